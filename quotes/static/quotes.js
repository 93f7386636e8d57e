// Fold the long list of column descriptions on table pages into a <details> element:
// the descriptions stay one click away (and fully visible without JavaScript).
document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("dl.column-descriptions").forEach(function (list) {
        var fold = document.createElement("details");
        fold.className = "column-descriptions-fold";
        var summary = document.createElement("summary");
        summary.textContent = "What the " + list.querySelectorAll("dt").length + " columns mean";
        fold.appendChild(summary);
        list.parentNode.insertBefore(fold, list);
        fold.appendChild(list);
    });
});
