"""Source chains, addressees and audiences: one construction of English news per case.

Every sentence is written for this file. Each case gives the article's publisher, the text,
and what the innermost quote holding the given words must carry: its speaker, its chain
(outermost first; None where any name will do) and its addressee (None for an audience or no
one). An outer report stays a quote of its own ("The Herald reported that X said Y" is the
Herald's too); the cases check the inner one, which carries the whole chain.
"""
from __future__ import annotations

import pytest

# (construction, publisher, text, words of the quote, speaker, chain, addressee)
CASES = [
    ("told an outlet", "The Lakeside Herald",
     "Senator Joan Avery told the BBC that the vote would be close.",
     "the vote would be close", "Joan Avery", ["BBC", "Joan Avery"], "BBC"),
    ("told the publisher", "The Lakeside Herald",
     "Senator Joan Avery told The Lakeside Herald that the vote would be close.",
     "the vote would be close", "Joan Avery", ["Joan Avery"], "Lakeside Herald"),
    ("told the publisher by its short form", "The Lakeside Herald",
     "Senator Joan Avery told the Herald that the vote would be close.",
     "the vote would be close", "Joan Avery", ["Joan Avery"], "Herald"),
    ("told an outlet's journalist", "The Lakeside Herald",
     "“We will not sell the land,” Mayor Ann Lee told CNN’s Jake Tapper on Sunday.",
     "We will not sell the land", "Ann Lee", ["CNN", "Ann Lee"], "Jake Tapper"),
    ("told a journalist of an outlet whose name is not title case", "The Lakeside Herald",
     "Mayor Ann Lee told BuzzFeed’s Ben Smith that the plan was dead.",
     "the plan was dead", "Ann Lee", ["BuzzFeed", "Ann Lee"], "Ben Smith"),
    ("told a host of an outlet", "The Lakeside Herald",
     "“The port stays open,” Governor Ray Olsen told Fox News host Maria Diaz.",
     "The port stays open", "Ray Olsen", ["Fox News", "Ray Olsen"], "Maria Diaz"),
    ("told a journalist of an outlet", "The Lakeside Herald",
     "“The port stays open,” she told Dana Kim of CBS News after the vote.",
     "The port stays open", None, ["CBS News", None], "Dana Kim"),
    ("told an outlet that …, adding, “…”: the one who adds is the one who told", "The Lakeside Herald",
     "Tom Okafor told the BBC that Ann Lee “had a reckless plan,” adding, “She lost the whole valley.”",
     "She lost the whole valley", "Tom Okafor", ["Tom Okafor"], None),
    ("told an outlet that …, adding, “…”: the told words end at the participle", "The Lakeside Herald",
     "Tom Okafor told the BBC that Ann Lee “had a reckless plan,” adding, “She lost the whole valley.”",
     "had a reckless plan", "Tom Okafor", ["BBC", "Tom Okafor"], "BBC"),
    ("“…,” X confirmed, adding that “…”", "The Lakeside Herald",
     "“It does say that in the letter,” Tom Okafor confirmed, adding that “I have no idea where that came from.”",
     "I have no idea where that came from", "Tom Okafor", ["Tom Okafor"], None),
    ("“…,” he was quoted as saying in a press release", "The Lakeside Herald",
     "Mayor Ann Lee spoke on Monday. “The debt is untenable,” she was quoted as saying in the press release.",
     "The debt is untenable", "Ann Lee", ["Ann Lee"], None),
    ("an answer is said to whoever asked", "The Lakeside Herald",
     "Last month, The Lakeside Herald’s Dana Kim asked Tom Okafor whether his health was fair game.\n"
     "“Sure it is. I would not have run if I was not well,” he said.",
     "I would not have run", "Tom Okafor", ["Tom Okafor"], "Dana Kim"),
    ("reporters who asked are an audience, no addressee", "The Lakeside Herald",
     "Reporters asked Tom Okafor about the bridge on Monday. “It will close in May,” he said.",
     "It will close in May", "Tom Okafor", ["Tom Okafor"], None),
    ("told a body when asked, a colon before the quotation", "The Lakeside Herald",
     "Any decision would involve Attorney General Ann Lee, who told Congress when asked last month about the "
     "email inquiry: “That matter is being handled by career agents.”",
     "That matter is being handled by career agents", "Ann Lee", ["Ann Lee"], "Congress"),
    ("told reporters", "The Lakeside Herald",
     "“The mine will reopen in spring,” Okafor told reporters on Friday.",
     "The mine will reopen in spring", "Okafor", ["Okafor"], None),
    ("told a crowd of supporters", "The Lakeside Herald",
     "Mayor Ann Lee told her supporters that the fight was not over.",
     "the fight was not over", "Ann Lee", ["Ann Lee"], None),
    ("told a named body", "The Lakeside Herald",
     "Mayor Ann Lee told the city council that the budget would balance.",
     "the budget would balance", "Ann Lee", ["Ann Lee"], "the city council"),
    ("told a named person", "The Lakeside Herald",
     "Coach Dana Reyes told Pablo Ortiz that he would start on Saturday.",
     "he would start on Saturday", "Dana Reyes", ["Dana Reyes"], "Pablo Ortiz"),
    ("an outlet reported that X said", "The Daily Planet",
     "The Lakeside Herald reported that Tom Okafor said the bridge would close in May.",
     "the bridge would close in May", "Tom Okafor", ["Lakeside Herald", "Tom Okafor"], None),
    ("X said, an outlet reported", "The Daily Planet",
     "Tom Okafor said the bridge would close in May, CNN reported.",
     "the bridge would close in May", "Tom Okafor", ["CNN", "Tom Okafor"], None),
    ("X said, according to an outlet", "The Daily Planet",
     "Tom Okafor said the bridge would close in May, according to The New York Times.",
     "the bridge would close in May", "Tom Okafor", ["The New York Times", "Tom Okafor"], None),
    ("according to an outlet's own reporting", "The Daily Planet",
     "The bridge will close in May, according to The New York Times.",
     "The bridge will close in May", "The New York Times", ["The New York Times"], None),
    ("wrote in an outlet", "The Daily Planet",
     "Tom Okafor wrote in The Texas Observer that the bridge had to close.",
     "the bridge had to close", "Tom Okafor", ["Texas Observer", "Tom Okafor"], None),
    ("writing in an outlet", "The Daily Planet",
     "Lena Hart, writing in The Lakeside Herald last week, argued that the levy was unfair.",
     "the levy was unfair", "Lena Hart", ["Lakeside Herald", "Lena Hart"], None),
    ("in an interview with an outlet", "The Daily Planet",
     "“We are nowhere near the end,” Tom Okafor said in an interview with Univision.",
     "We are nowhere near the end", "Tom Okafor", ["Univision", "Tom Okafor"], "Univision"),
    ("in an interview with the publisher", "The Daily Planet",
     "“We are nowhere near the end,” Tom Okafor said in an interview with The Daily Planet.",
     "We are nowhere near the end", "Tom Okafor", ["Tom Okafor"], "Daily Planet"),
    ("said on a show", "The Daily Planet",
     "“The deal is dead,” Senator Joan Avery said on Fox News Sunday.",
     "The deal is dead", "Joan Avery", ["Fox News", "Joan Avery"], None),
    ("quoted as saying", "The Daily Planet",
     "Reuters quoted the Brazilian minister, Paulo Reis, as saying that the border would stay open.",
     "the border would stay open", "Paulo Reis", ["Reuters", "Paulo Reis"], None),
    ("quoted as saying by an outlet (passive)", "The Daily Planet",
     "Police chief Omar Haddad was quoted as saying by local media that the station had received threats.",
     "the station had received threats", "Omar Haddad", ["local media", "Omar Haddad"], None),
    ("“…,” an outlet quoted Ms. X, her role, as saying", "The Daily Planet",
     "“There was no warning at all,” the TASS news agency quoted Mr. Petrov, the plant manager, as saying.",
     "There was no warning at all", "Petrov", ["TASS", "Petrov"], None),
    ("As <outlet>’s <writer> wrote, “…” (curly apostrophe)", "The Daily Planet",
     "As the Washington Post’s Dana Kim wrote, “the council voted to close the bridge in the spring.”",
     "the council voted to close the bridge", "Dana Kim", ["Washington Post", "Dana Kim"], None),
    ("the one a question is put to answers it", "The Daily Planet",
     "Governor Tom Okafor spoke in Reno. Afterwards, Senator Dan Kim asked Okafor whether the budget would pass.\n"
     "“I have no doubt,” he said.",
     "I have no doubt", "Tom Okafor", ["Tom Okafor"], "Dan Kim"),
    ("X wrote about a colleague who told her, “…”: the writer relays the colleague", "The Daily Planet",
     "Senator Ann Lee wrote in her memoir about a fellow senator who squeezed her shoulder and told her, "
     "\"I like my interns quiet!\" Lee did not reveal his name.",
     "I like my interns quiet", "a fellow senator", ["Ann Lee", "a fellow senator"], "Ann Lee"),
    ("an outlet's reporter reported, Y whispered to him: “…” (two cues before one quotation)", "The Daily Planet",
     "Governor Tom Okafor spoke for an hour. As the crowd cheered Okafor in Reno on Tuesday night, "
     "the Lakeside Herald's Dana Kim reported, an aide whispered to him: \"They are still with you.\"",
     "They are still with you", "an aide", ["Lakeside Herald", "Dana Kim", "an aide"], "Tom Okafor"),
    ("an interview for the publisher's own show: the show is spoken to", "Politico",
     "“There was not one issue that got me up every day,” Tom Okafor admitted during an interview for "
     "POLITICO’s “Off Message” podcast, as the convention was wrapping up.",
     "There was not one issue", "Tom Okafor", ["Tom Okafor"], "Off Message"),
    ("a relative clause's speaker in an interview with an outlet's editor, a long frame between", "The Daily Planet",
     "Then there was the radio host Tom Okafor, who lamented in an interview with the Business Insider "
     "politics editor Dana Kim, “We have spent twenty years attacking the press.”",
     "We have spent twenty years", "Tom Okafor", ["Business Insider", "Tom Okafor"], "Dana Kim"),
    ("a description with an adjective after its noun ('present during the attack')", "The Daily Planet",
     "Two men entered a nearby shop, where they left a bag in the lobby, a private security professional present during "
     "the raid told Reuters.",
     "they left a bag", "a private security professional present during the raid",
     ["Reuters", "a private security professional present during the raid"], "Reuters"),
    ("an outlet reported, according to sources, that …: the outlet, then its sources", "The Daily Planet",
     "The Lakeside Herald reported, according to two officials, that the mayor would resign in May.",
     "the mayor would resign", "two officials", ["Lakeside Herald", "two officials"], None),
    ("an outlet reported, according to sources, X told them …: three links", "The Daily Planet",
     "The Lakeside Herald reported, according to people in the meetings, Tom Okafor tried to calm the bankers "
     "by telling them he was not going to raise taxes.",
     "he was not going to raise taxes", "Tom Okafor", ["Lakeside Herald", "people in the meetings", "Tom Okafor"], None),
    ("“…,” X said, according to an outlet: the outlet reports X", "The Daily Planet",
     "“I ask you not to protest on the floor,” Tom Okafor said, according to CNN.",
     "I ask you not to protest", "Tom Okafor", ["CNN", "Tom Okafor"], None),
    ("quoted by an outlet as saying (passive)", "The Daily Planet",
     "Police chief Omar Haddad was quoted by the Lakeside Herald as saying that the station had received threats.",
     "the station had received threats", "Omar Haddad", ["Lakeside Herald", "Omar Haddad"], None),
    ("quoted a partitive source as saying", "The Daily Planet",
     "The Lakeside Herald quoted one of Okafor's advisers as saying that the plan was dead.",
     "the plan was dead", "one of Okafor's advisers", ["Lakeside Herald", "one of Okafor's advisers"], None),
    ("X said, “…,” an outlet reported", "The Daily Planet",
     "Tom Okafor frowned and said, “No comment,” The Lakeside Herald reported.",
     "No comment", "Tom Okafor", ["Lakeside Herald", "Tom Okafor"], None),
    ("content first, then a named aide told the publisher", "The Daily Planet",
     "Despite two defeats on Tuesday, Senator Joan Avery remains in the race, her top aide, Tad Devine, told "
     "The Daily Planet.",
     "Joan Avery remains in the race", "Tad Devine", ["Tad Devine"], "Daily Planet"),
    ("content first, the aide told the publisher, a line break after", "The Daily Planet",
     "Senator Joan Avery remains in the race, her top aide, Tad Devine, told The Daily Planet.\n"
     "“We are nowhere near the end,” Devine said.",
     "Joan Avery remains in the race", "Tad Devine", ["Tad Devine"], "Daily Planet"),
    ("told a station by its call sign and town", "The Daily Planet",
     "“We lost,” Governor Ray Olsen told WKOW-TV of Madison.",
     "We lost", "Ray Olsen", ["WKOW-TV", "Ray Olsen"], "WKOW-TV"),
    ("told a newspaper named with what it is and its town", "The Daily Planet",
     "Tom Okafor told The Post and Courier newspaper of Charleston that the port was safe.",
     "the port was safe", "Tom Okafor", ["Post and Courier", "Tom Okafor"], "Post and Courier"),
    ("an interview with a host on a station in a town", "The Daily Planet",
     "Ray Olsen said in an interview with conservative host Greg Garrison on WIBC radio in Indianapolis that "
     "he would vote for the bill.",
     "he would vote for the bill", "Ray Olsen", ["WIBC", "Ray Olsen"], "Greg Garrison"),
    ("told them: a crowd, no addressee", "The Daily Planet",
     "At the college gym, Bill Clinton spoke for an hour. “We are back,” he told them.",
     "We are back", "Bill Clinton", ["Bill Clinton"], None),
    ("warned the public: an audience", "The Daily Planet",
     "Police chief Omar Haddad warned the public that the roads were closed.",
     "the roads were closed", "Omar Haddad", ["Omar Haddad"], None),
    ("as X told an outlet, “…”", "The Daily Planet",
     "However, as Archbishop Omar Haddad told the Associated Press (AP), “We have suffered the same fate.”",
     "We have suffered the same fate", "Omar Haddad", ["The Associated Press", "Omar Haddad"],
     "The Associated Press"),
    ("a report in brackets reports what is inside them", "The Daily Planet",
     "It is a quarrel between those who fear softness (“This is an occupation,” Ann Lee wrote in The Lakeside "
     "Herald last week) and those who fear revenge.",
     "This is an occupation", "Ann Lee", ["Lakeside Herald", "Ann Lee"], None),
    ("declined comment to an outlet, saying", "The Daily Planet",
     "Senator Joan Avery declined comment to the Lakeside Herald, saying the matter was closed.",
     "the matter was closed", "Joan Avery", ["Lakeside Herald", "Joan Avery"], "Lakeside Herald"),
    ("confirmed to an outlet", "The Daily Planet",
     "Tom Okafor confirmed to the Lakeside Herald that the plant would close.",
     "the plant would close", "Tom Okafor", ["Lakeside Herald", "Tom Okafor"], "Lakeside Herald"),
    ("complained to a council: no outlet", "The Daily Planet",
     "Tom Okafor complained to the city council that the plant would close.",
     "the plant would close", "Tom Okafor", ["Tom Okafor"], "city council"),
    ("according to a source who spoke to an outlet", "The Daily Planet",
     "The plant will close in May, according to an official who spoke to The Associated Press on condition "
     "of anonymity.",
     "The plant will close in May", "an official", ["The Associated Press", "an official"], "The Associated Press"),
    ("according to a source who told an outlet", "The Daily Planet",
     "The plant will close in May, according to an official who told Reuters.",
     "The plant will close in May", "an official", ["Reuters", "an official"], "Reuters"),
    ("speaking on a station, X called … and said", "The Daily Planet",
     "Mayor Tom Okafor, speaking on WOR710, called Avery a “blowhard,” and said her plan was a “disaster” for the city.",
     "her plan was a", "Tom Okafor", ["WOR 710", "Tom Okafor"], None),
    ("described sources inside an outlet's quoted report", "The Daily Planet",
     "“The mayor will not run again, people familiar with the plan told Lakeside Herald Politics,” the Lakeside "
     "Herald reported on Tuesday.",
     "The mayor will not run again", "people familiar with the plan",
     [None, "people familiar with the plan"], "Lakeside Herald Politics"),  # one outlet: one link
    ("the people of a saying inside a quotation relay nothing", "The Daily Planet",
     "“I'd heard people say, life is easy here. But when I came, it was hard,” Amira Haddad recalled.",
     "I came, it was hard", "Amira Haddad", ["Amira Haddad"], None),
    ("reported, quoting a source", "The Daily Planet",
     "“The talks are over,” The Lakeside Herald reported, quoting a senior official.",
     "The talks are over", "a senior official", ["Lakeside Herald", "a senior official"], None),
    ("a report inside a report: three links", "The Daily Planet",
     "The Lakeside Herald reported that Okafor said his aide had told him the bridge was unsafe.",
     "the bridge was unsafe", None, ["Lakeside Herald", "Okafor", None], "Okafor"),
    ("a report quoted inside a quotation", "The Daily Planet",
     "“Mayor Ann Lee told me the plant would close,” union leader Tom Okafor said.",
     "the plant would close", "Ann Lee", ["Tom Okafor", "Ann Lee"], "Tom Okafor"),
    ("according to a person, a report", "The Daily Planet",
     "Tom Okafor told his staff that the mill would close, according to Lena Hart.",
     "the mill would close", "Tom Okafor", ["Lena Hart", "Tom Okafor"], None),  # staff: an audience
    ("a named spokesperson to an outlet", "The Daily Planet",
     "Lena Hart, a spokeswoman for the mayor, told the Lakeside Herald that the bridge would close.",
     "the bridge would close", "Lena Hart", ["Lakeside Herald", "Lena Hart"], "Lakeside Herald"),
    ("an unnamed spokesperson speaks for whom they speak", "The Daily Planet",
     "Mayor Ann Lee was in Ottawa. A spokesman for Lee said the bridge would close in May.",
     "the bridge would close in May", "A spokesman", ["Ann Lee"], None),
    ("the publisher's own reporter", "The Lakeside Herald",
     "The Lakeside Herald's Dana Kim reported that Tom Okafor said the bridge would close.",
     "the bridge would close", "Tom Okafor", ["Tom Okafor"], None),
]


@pytest.mark.parametrize("construction, publisher, text, words, speaker, chain, addressee", CASES,
                         ids=[case[0] for case in CASES])
def test_chain_and_addressee(extractor, construction, publisher, text, words, speaker, chain, addressee):
    article = extractor.extract(text, publisher=publisher)
    found = [q for q in article.quotes if words in q.text]
    assert found, [q.to_dict() for q in article.quotes]
    quote = min(found, key=lambda q: len(q.text))  # the innermost report holding the words
    if speaker is not None:
        assert quote.speaker == speaker, quote.to_dict()
    names = quote.source_chain
    assert len(names) == len(chain), quote.to_dict()
    assert all(want is None or same(got, want) for got, want in zip(names, chain)), quote.to_dict()
    assert (quote.addressee is None and addressee is None) or same(quote.addressee, addressee), quote.to_dict()
    assert quote.chain[-1].role == "speaker" and {link.role for link in quote.chain[:-1]} <= {"conduit"}


def same(got: str | None, want: str) -> bool:
    """Names as the article writes them may keep or drop a leading "The"."""
    return got is not None and got.lower().removeprefix("the ") == want.lower().removeprefix("the ")


def test_links_name_their_words_in_the_article(extractor):
    text = "Tom Okafor said the bridge would close in May, according to The New York Times."
    quote = next(q for q in extractor.extract(text, publisher="The Daily Planet").quotes if q.speaker == "Tom Okafor")
    outlet, speaker = quote.chain
    assert text[outlet.start:outlet.end] == outlet.mention == "The New York Times"
    assert outlet.cue == "according to" and outlet.role == "conduit"
    assert text[speaker.start:speaker.end] == speaker.mention == "Tom Okafor" and speaker.cue == "said"


def test_an_audience_is_kept_apart_from_the_addressee(extractor):
    quote = extractor.extract("“We are ready,” the coach told reporters.").quotes[0]
    assert quote.addressee is None and quote.audience == "reporters"
    assert quote.to_dict()["audience"] == "reporters"


def test_a_name_that_is_no_outlet_relays_nothing(extractor):
    # "in Washington" and "in 2013" are where and when, not where the words were published
    text = "Tom Okafor wrote in 2013 in Washington that the bridge had to close."
    quote = next(q for q in extractor.extract(text, publisher="The Daily Planet").quotes if "bridge" in q.text)
    assert quote.source_chain == ["Tom Okafor"]


def test_a_show_title_after_an_outlets_possessive_is_no_quotation(extractor):
    text = "“We are nowhere near the end,” Senator Joan Avery said on CBS’s “Face the Nation.”"
    texts = [q.text for q in extractor.extract(text, publisher="The Daily Planet").quotes]
    assert texts == ["We are nowhere near the end,"]


def test_a_speaking_verbs_to_phrase_names_whom_it_was_said_to(extractor):
    quote = extractor.extract("“We will close the port,” Mayor Ann Lee whispered to Governor Tom Okafor.").quotes[0]
    assert quote.cue == "whispered" and quote.addressee == "Tom Okafor"
    quote = extractor.extract("“That is wrong,” Lee said in response to the criticism.").quotes[0]
    assert quote.addressee is None
