"""Check a text against easy-read rules and say, in plain words, what could be better.

Pure Python: no Django, no models, no network. The rules come from the UK government's
accessible communication guidance, Inclusion Europe's "Information for all" and Mencap's
"Am I making myself clear?". Findings are advice for the writer; nothing here blocks saving.

Rules (`Finding.rule`), their thresholds and severities:

- ``sentence_length`` (warning): a sentence has more than MAX_SENTENCE_WORDS (15) words.
  A line break always ends a sentence, so Markdown list items, headings and "one thing
  on each line" lists are measured line by line. Inside a line a sentence ends at . ! ?
  (not before a lower-case letter, as in "e.g. buses", and not after Mr, Mrs, Dr...).
  A sentence is a *list* when commas, semicolons or a colon split it into 3 or more
  parts and every part after the first has at most LIST_ITEM_MAX_WORDS (6) words (the
  last part may hold two items joined by "and"/"or", in Welsh "a"/"ac"/"neu"): then the
  lead-in and each item are measured as separate sentences.
- ``abbreviation`` (warning): "e.g.", "i.e.", "etc." (always, whatever the glossary
  says), a few others with plain words ("approx.", "asap"...) and dotted ones ("U.K.")
  unless the glossary explains them.
- ``acronym`` (warning): a word of 2 to 4 capital letters ("ICB", "A&E", "CCGs") that
  the glossary does not explain and that is not one everyone knows (OK, TV, UK, NHS).
- ``number_words`` (advice): numbers as words ("three", "twenty-one", "two hundred");
  "one" only where it counts something ("one person", not "no one" or "the blue one");
  ordinal dates ("the first of May", "May the first") should be "1 May".
- ``percentage`` (advice): "25%", "25 per cent": suggest "1 in 4", "about half"...
- ``jargon`` (warning): a word from DEFAULT_JARGON or the forum's own list, unless the
  glossary explains it, its plain words are in the same sentence, or it is explained
  where it stands: "safeguarding (keeping people safe)", "safeguarding means ...",
  "... This is called safeguarding".
- ``italics`` / ``underline`` (warning): Markdown ``*x*`` and ``_x_``, HTML ``<i>``,
  ``<em>``, ``<cite>``, ``<u>``, ``<ins>`` and inline styles; bold is the only emphasis.
- ``capitals`` (warning): CAPITALS_RUN (3) or more all-capital words in a row, or one
  all-capital word of CAPITALS_LONG_WORD (5) or more letters the glossary does not know.
- ``passive`` (advice): a heuristic hint, a form of "to be" (up to 2 adverbs between)
  then a past participle (regular "-ed" or from an irregular list), minus common
  adjectives ("is called", "was born", "are worried").
- ``readability`` (warning): Flesch reading ease below READING_EASE_MIN (60), for texts
  of READABILITY_MIN_WORDS (20) words or more; the message gives the Flesch-Kincaid
  grade too. Syllables are counted offline with pyphen's hyphenation dictionary.

URLs and e-mail addresses count as one word and are otherwise ignored; HTML tags are
ignored except for the italics rules.

Welsh (``language="cy"``) gets only the rules that do not depend on English:
sentence length and lists, capitals, italics and underline, acronyms (plus GIG and DU
as known), abbreviations (Welsh "e.e.", "h.y.", "ayb" and the English Latin ones),
percentages ("y cant") and numbers as digits for the Welsh number words dau/dwy, tri/
tair, pedwar/pedair, pump, chwech, saith, wyth, naw, deg and their mutated forms ("un"
is left out: it also means "the same"), and its own default jargon list
(DEFAULT_JARGON_CY, found in mutated forms too). The passive hint and readability are
English only; a forum's own ``jargon`` entries apply in any language.
Any other language gets the Welsh set without the Welsh word lists.

Messages are translatable without Django: each Finding carries ``template`` (an English
msgid, marked with the local ``gettext_noop`` so ``makemessages`` extracts it) and
``params``; ``message`` is the English text. The Django layer shows
``gettext(template) % dict(params)``. Params hold words in the *text's* language (the
plain words for a jargon word), never words of the page's language.
"""

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache, lru_cache
from types import MappingProxyType
from typing import Literal

import pyphen

Severity = Literal["advice", "warning"]
Param = str | int

MAX_SENTENCE_WORDS = 15
LIST_MIN_ITEMS = 3
LIST_ITEM_MAX_WORDS = 6
CAPITALS_RUN = 3
CAPITALS_LONG_WORD = 5
READING_EASE_MIN = 60
READABILITY_MIN_WORDS = 20

_EMPTY: Mapping[str, str] = MappingProxyType({})


def gettext_noop(message: str) -> str:
    """Return the message unchanged; the name lets makemessages find it."""
    return message


SENTENCE_LONG = gettext_noop("This sentence has %(words)s words. Try to use %(limit)s or fewer.")
SENTENCE_LONG_LIST = gettext_noop(
    "This sentence has %(words)s words. Try to use %(limit)s or fewer. "
    "If it is a list, put each thing on its own line."
)
ABBREVIATION_PLAIN = gettext_noop("Write “%(plain)s” instead of “%(abbr)s”.")
ABBREVIATION = gettext_noop(
    "“%(abbr)s” is an abbreviation. Write the words in full, unless the glossary explains it."
)
NUMBER_WORDS = gettext_noop("Write numbers as digits: “%(digits)s”, not “%(words)s”.")
NUMBER_WORDS_ANY = gettext_noop("Write numbers as digits, like 3, not as words: “%(words)s”.")
DATE_WORDS = gettext_noop("Write dates with digits, like “%(date)s”.")
PERCENT_PLAIN = gettext_noop(
    "Percentages are hard for many people. Try “%(plain)s” instead of “%(percent)s”."
)
PERCENT_ANY = gettext_noop("Percentages are hard for many people. Try to say it another way.")
JARGON = gettext_noop("“%(word)s” is a hard word. Try: %(plain)s.")
ITALICS = gettext_noop("Italic writing is hard to read. Use bold for important words.")
UNDERLINE = gettext_noop(
    "Underlined words are hard to read and look like links. Use bold for important words."
)
CAPITALS_BLOCK = gettext_noop("Words in capitals are hard to read. Write them in small letters.")
CAPITALS_WORD = gettext_noop(
    "“%(word)s” is in capitals, which is hard to read. "
    "Write it in small letters, unless it is an abbreviation the glossary explains."
)
PASSIVE = gettext_noop("“%(phrase)s” may not say who does it. Try to name who does it.")
READABILITY = gettext_noop(
    "This text may be hard to read. Reading ease is %(ease)s out of 100: aim for %(target)s "
    "or more. Reading grade is %(grade)s. Try shorter words and shorter sentences."
)
MESSAGES: tuple[str, ...] = (
    SENTENCE_LONG, SENTENCE_LONG_LIST, ABBREVIATION_PLAIN, ABBREVIATION, NUMBER_WORDS,
    NUMBER_WORDS_ANY, DATE_WORDS, PERCENT_PLAIN, PERCENT_ANY, JARGON, ITALICS, UNDERLINE,
    CAPITALS_BLOCK, CAPITALS_WORD, PASSIVE, READABILITY,
)  # fmt: skip

RULES: tuple[str, ...] = (
    "sentence_length", "abbreviation", "acronym", "number_words", "percentage", "jargon",
    "italics", "underline", "capitals", "passive", "readability",
)  # fmt: skip
ENGLISH_ONLY_RULES: frozenset[str] = frozenset({"passive", "readability"})


@dataclass(frozen=True, slots=True)
class Finding:
    """One piece of advice about a stretch of text: text[start:end] == excerpt."""

    rule: str
    start: int
    end: int
    excerpt: str
    message: str
    severity: Severity
    template: str = ""
    params: tuple[tuple[str, Param], ...] = ()


@dataclass(frozen=True, slots=True)
class Readability:
    """Counts and Flesch scores of a text."""

    words: int
    sentences: int
    syllables: int
    reading_ease: float
    grade: float


# -- word lists ----------------------------------------------------------------------

# A starting list for social care: hard word -> plain words. Forums add their own.
DEFAULT_JARGON: Mapping[str, str] = MappingProxyType(
    {
        "co-production": "working together as equals",
        "commissioning": "deciding which services to pay for",
        "commissioned": "paid for",
        "provision": "services, or what is on offer",
        "stakeholder": "people who are involved",
        "outcome": "what changes for people",
        "personalisation": "support that fits the person",
        "safeguarding": "keeping people safe from harm",
        "procurement": "buying services",
        "tender": "asking companies to offer to do the work",
        "service user": "person who uses services",
        "person-centred": "planned around what the person wants",
        "holistic": "looking at the whole person",
        "capacity": "being able to decide, or how much we can do",
        "signpost": "tell people where to get help",
        "signposting": "telling people where to get help",
        "implementation": "doing it",
        "implement": "do",
        "implemented": "done",
        "facilitate": "help to happen",
        "utilise": "use",
        "mitigate": "make less bad",
        "leverage": "use",
        "framework": "plan, or set of rules",
        "strategy": "plan",
        "strategic": "about the big plan",
        "consultation": "asking people what they think",
        "engagement": "talking with people and involving them",
        "integrated care": "health and social care working together",
        "reablement": "help to get back to doing things yourself",
        "respite": "a short break",
        "domiciliary care": "care at home",
        "residential care": "living in a care home",
        "direct payment": "money from the council to pay for your own support",
        "eligibility": "who can get it",
        "eligible": "able to get it",
        "assessment": "a meeting to find out what help you need",
        "care package": "the support you get",
        "transition": "moving to a new service",
        "advocacy": "help to speak up",
        "multi-disciplinary": "people from different jobs working together",
        "intervention": "help, or something done to help",
        "deliverable": "something we will do",
        "performance indicator": "a way to measure how well we are doing",
        "benchmark": "something to compare with",
        "sustainable": "able to keep going",
        "mandatory": "you must",
        "statutory": "the law says we must",
        "criteria": "rules",
        "pathway": "the steps to get help",
        "workstream": "a part of the work",
        "allocation": "share",
        "resources": "money, people and things",
        "empower": "give people more power and choice",
        "governance": "how we make and check decisions",
        "accountability": "being responsible",
        "best practice": "the best way to do it",
        "going forward": "from now on",
        "evidence-based": "shown to work",
        "prioritisation": "deciding what matters most",
        "robust": "strong",
        "commission": "pay for a service",
        "multi-agency": "different services working together",
        "feasibility study": "work to find out if it can work",
        "attendee": "person who came",
        "subject to": "if",
        "shortlist": "a short list to choose from",
        "shortlisted": "picked to choose from",
        "lived experience": "people who know it from their own life",
        "provider": "a group or company that gives support",
        "third sector": "charities and community groups",
        "co-design": "planning together",
        "pilot": "a test to see if it works",
        "quorum": "enough people to make a decision",
        "ratify": "agree for certain",
        "remit": "the job people asked us to do",
        "cohort": "a group of people",
        "key performance indicator": "a way to measure how well we are doing",
        "care plan": "a plan of the support you get",
        "capacity building": "helping people learn to do more",
        "q1": "April to June",
        "q2": "July to September",
        "q3": "October to December",
        "q4": "January to March",
    }
)

# The same for Welsh text: hard word -> plain Welsh words. Mutated forms ("gomisiynu",
# "nghomisiynu", "chomisiynu") are found too, see _welsh_forms.
DEFAULT_JARGON_CY: Mapping[str, str] = MappingProxyType(
    {
        "cyd-gynhyrchu": "gweithio gyda'n gilydd fel pobl gyfartal",
        "comisiynu": "penderfynu am ba wasanaethau i dalu",
        "comisiwn": "talu am wasanaeth",
        "rhanddeiliaid": "pobl sy'n rhan o hyn",
        "caffael": "prynu gwasanaethau",
        "personoli": "cymorth sy'n addas i'r person",
        "darpariaeth": "gwasanaethau, neu beth sydd ar gael",
        "aml-asiantaeth": "gwasanaethau gwahanol yn gweithio gyda'i gilydd",
        "amlddisgyblaethol": "pobl o swyddi gwahanol yn gweithio gyda'i gilydd",
        "astudiaeth ddichonoldeb": "gwaith i weld a oes modd ei wneud",
        "mynychwyr": "pobl a ddaeth",
        "yn amodol ar": "os",
        "rhestr fer": "rhestr fach i ddewis ohoni",
        "profiad bywyd": "pobl sy'n gwybod o'u bywyd eu hunain",
        "darparwr": "grŵp neu gwmni sy'n rhoi cymorth",
        "darparwyr": "grwpiau neu gwmnïau sy'n rhoi cymorth",
        "trydydd sector": "elusennau a grwpiau yn y gymuned",
        "strategaeth": "cynllun",
        "strategol": "am y cynllun mawr",
        "fframwaith": "cynllun, neu set o reolau",
        "llywodraethu": "sut rydyn ni'n gwneud ac yn gwirio penderfyniadau",
        "ymgynghoriad": "gofyn i bobl beth maen nhw'n ei feddwl",
        "ymgysylltu": "siarad â phobl a'u cynnwys",
        "gofal integredig": "iechyd a gofal cymdeithasol yn gweithio gyda'i gilydd",
        "ailalluogi": "help i wneud pethau eich hun eto",
        "taliad uniongyrchol": "arian gan y cyngor i dalu am eich cymorth eich hun",
        "taliadau uniongyrchol": "arian gan y cyngor i dalu am eich cymorth eich hun",
        "statudol": "mae'r gyfraith yn dweud bod rhaid",
        "meini prawf": "rheolau",
        "llwybr gofal": "y camau i gael help",
        "dyraniad": "cyfran",
        "atebolrwydd": "bod yn gyfrifol",
        "arfer gorau": "y ffordd orau o'i wneud",
        "cymhwysedd": "pwy sy'n gallu ei gael",
        "eiriolaeth": "help i godi eich llais",
        "asesiad": "cyfarfod i weld pa help sydd ei angen arnoch",
        "cworwm": "digon o bobl i benderfynu",
        "cynllun peilot": "prawf i weld a yw'n gweithio",
        "ch1": "Ebrill i Fehefin",
        "ch2": "Gorffennaf i Fedi",
        "ch3": "Hydref i Ragfyr",
        "ch4": "Ionawr i Fawrth",
    }
)
_DEFAULT_JARGON_BY_LANGUAGE: Mapping[str, Mapping[str, str]] = {
    "en": DEFAULT_JARGON,
    "cy": DEFAULT_JARGON_CY,
}

# Welsh initial mutations: first letters -> (soft, nasal, aspirate) forms, longest first.
_WELSH_MUTATIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("ch", ()),
    ("ll", ("l",)),
    ("rh", ("r",)),
    ("c", ("g", "ngh", "ch")),
    ("p", ("b", "mh", "ph")),
    ("t", ("d", "nh", "th")),
    ("g", ("", "ng")),
    ("b", ("f", "m")),
    ("d", ("dd", "n")),
    ("m", ("f",)),
)

# Abbreviations everyone knows, in capitals.
_WELL_KNOWN: dict[str, frozenset[str]] = {
    "en": frozenset({"OK", "TV", "UK", "NHS"}),
    "cy": frozenset({"OK", "TV", "UK", "NHS", "DU", "GIG"}),
}
# Short English words that, in capitals, are shouting rather than an abbreviation.
_COMMON_SHORT = frozenset(
    """all and any are ask bad big but can come day did do does don't down for get give
    go good has have help her here him his how its just keep know let like look make many
    may more most much must need new next no not now off old one only our out own please
    read real said say see she so some stop take tell than that the them then they this
    time too two very want was way well went were what when who why will with work yes
    you your""".split()
)
_TITLES = frozenset({"mr", "mrs", "ms", "mx", "dr", "st", "prof", "rev", "cllr"})
_TIMES = frozenset({"a.m.", "p.m."})

# (pattern, plain words, explained by a glossary?) per language.
_ABBREVIATIONS: dict[str, tuple[tuple[str, str, bool], ...]] = {
    "en": (
        (r"e\.\s?g\.?|eg\.", "for example", False),
        (r"i\.\s?e\.?|ie\.", "that means", False),
        (r"etc\b\.?", "and more", False),
        (r"approx\b\.?", "about", True),
        (r"asap\b", "as soon as possible", True),
        (r"aka\b", "also called", True),
        (r"n/a\b", "does not apply", True),
        (r"vs\b\.?", "against", True),
    ),
    # Other languages: the Latin ones, which need no words of the language to spot.
    "*": (
        (r"e\.\s?g\.", "e.g.", False),
        (r"i\.\s?e\.", "i.e.", False),
        (r"etc\b\.?", "etc.", False),
    ),
    "cy": (
        (r"e\.\s?e\.", "er enghraifft", False),
        (r"h\.\s?y\.?", "hynny yw", False),
        (r"ayy?b\b\.?|a\.\s?y\.\s?b\.", "ac yn y blaen", False),
        (r"e\.\s?g\.", "er enghraifft", False),
        (r"i\.\s?e\.", "hynny yw", False),
        (r"etc\b\.?", "ac yn y blaen", False),
    ),
}

_EN_UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19,
}  # fmt: skip
_EN_TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90,
}  # fmt: skip
_EN_SCALES = {"hundred": 100, "thousand": 1000, "million": 10**6, "billion": 10**9}
_EN_NUMBERS = {**_EN_UNITS, **_EN_TENS, **_EN_SCALES}
# Welsh number words with their soft, nasal and aspirate mutations; "un" is left out.
_CY_NUMBERS = {
    "dau": 2, "ddau": 2, "dwy": 2, "ddwy": 2, "tri": 3, "dri": 3, "thri": 3, "tair": 3,
    "dair": 3, "thair": 3, "pedwar": 4, "bedwar": 4, "phedwar": 4, "pedair": 4,
    "bedair": 4, "phedair": 4, "pump": 5, "pum": 5, "bump": 5, "bum": 5, "chwech": 6,
    "chwe": 6, "saith": 7, "wyth": 8, "naw": 9, "deg": 10, "ddeg": 10, "deng": 10,
    "ugain": 20, "hugain": 20,
}  # fmt: skip
# "one" is a pronoun after these words, or before these ("the one that", "one by one").
_ONE_BEFORE = frozenset(
    "the this that which each every any no another some only other last next first right "
    "wrong new old big small little same".split()
)
_ONE_AFTER = frozenset(
    "another by off is was are were that which who will would can could has had and or "
    "but in on at for to with i you we they he she it".split()
)

_ORDINALS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
    "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13,
    "fourteenth": 14, "fifteenth": 15, "sixteenth": 16, "seventeenth": 17,
    "eighteenth": 18, "nineteenth": 19, "twentieth": 20, "thirtieth": 30,
}  # fmt: skip
for _n, _word in enumerate(
    ["first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth"],
    start=1,
):
    _ORDINALS[f"twenty-{_word}"] = 20 + _n
_ORDINALS["thirty-first"] = 31
_MONTHS = (
    "January February March April May June July August September October November December"
).split()

_BE = frozenset(
    "am is are was were be been being isn't aren't wasn't weren't isn’t aren’t wasn’t "
    "weren’t".split()
)
_ADVERBS = frozenset("not also never already just still all often always usually now".split())
_IRREGULAR = frozenset(
    """arisen beaten become begun bent bet bitten blown broken brought built bought
    caught chosen come cut dealt done drawn driven drunk eaten fallen fed felt fought found
    fled flown forbidden forgotten forgiven frozen given grown hung heard hidden hit held
    hurt kept known laid led left lent let lit lost made meant met mistaken overcome
    overseen overtaken paid proven put quit read rebuilt rewritten ridden rung risen run
    said seen sought sold sent set shaken shed shot shown shut sung sunk sat slept spoken
    spent split spread stood stolen stuck struck sworn swept swum taken taught torn told
    thought thrown understood undertaken upheld woken worn won withdrawn written""".split()
)
# "-ed" words after "to be" that are adjectives (or not verbs), so not passive.
_NOT_PASSIVE = frozenset(
    """annoyed ashamed based bored born called closed concerned confused disabled divorced
    excited experienced finished interested involved married named pleased qualified
    related retired scared supposed surprised tired used worried hundred""".split()
)


# -- the text, prepared once ---------------------------------------------------------

_URL = re.compile(r"\b(?:https?://|www\.)[^\s<>()\[\]\"']*[^\s<>()\[\]\"'.,;:!?]", re.I)
_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_TAG = re.compile(r"</?[A-Za-z][^<>\n]*>")
_LINE_MARKER = re.compile(r"[ \t]*(?:#{1,6}[ \t]+|>[ \t]?|[-*+][ \t]+|\d{1,3}[.)][ \t]+)")
_TOKEN = re.compile(r"\d+(?:[.,:]\d+)*(?:[^\W\d_]+)?|[^\W_]+(?:['’&-][^\W_]+)*")
_SENTENCE_END = re.compile(r"[.!?…]+[\"'”’)\]]*(?=\s|$)")
_SEPARATOR = re.compile(r"[,;:]")


@dataclass(frozen=True, slots=True)
class _Token:
    start: int
    end: int
    text: str
    kind: Literal["word", "number", "link"]


@dataclass(frozen=True, slots=True)
class _Unit:
    """A sentence, or one item of a list, as measured for length."""

    start: int
    end: int
    words: int
    separators: int


_CONJUNCTIONS: dict[str, re.Pattern[str]] = {
    "en": re.compile(r"\s(?:and|or)\s", re.I),
    "cy": re.compile(r"\s(?:a|ac|neu)\s", re.I),
}


class _Text:
    """A text with URLs, e-mail addresses, tags and Markdown markers blanked out."""

    def __init__(self, text: str, lang: str = "en") -> None:
        self.text = text
        self.conjunction = _CONJUNCTIONS.get(lang)
        chars = list(text)
        links: list[_Token] = []
        self.ignored: list[tuple[int, int]] = []
        for pattern in (_URL, _EMAIL):
            for m in pattern.finditer(text):
                if any(s < m.end() and m.start() < e for s, e in self.ignored):
                    continue
                self.ignored.append((m.start(), m.end()))
                links.append(_Token(m.start(), m.end(), m.group(), "link"))
                chars[m.start() : m.end()] = " " * (m.end() - m.start())
        for m in _TAG.finditer(text):
            chars[m.start() : m.end()] = " " * (m.end() - m.start())
        masked = "".join(chars)
        for line in re.finditer(r"[^\n]+", masked):
            pos = line.start()
            # Markers can nest: "> - item", "1. ## title".
            while (marker := _LINE_MARKER.match(masked, pos, line.end())) and marker.end() > pos:
                chars[marker.start() : marker.end()] = " " * (marker.end() - marker.start())
                pos = marker.end()
        masked = "".join(chars)
        self.masked = masked
        tokens = [
            _Token(m.start(), m.end(), m.group(), "number" if m.group()[0].isdigit() else "word")
            for m in _TOKEN.finditer(masked)
        ]
        self.tokens = sorted(tokens + links, key=lambda t: t.start)
        self.units = list(self._units())

    def in_ignored(self, start: int, end: int) -> bool:
        """Say whether a span overlaps a URL or e-mail address."""
        return any(s < end and start < e for s, e in self.ignored)

    def tokens_in(self, start: int, end: int) -> list[_Token]:
        """Return the tokens that start inside a span."""
        return [t for t in self.tokens if start <= t.start < end]

    def unit_at(self, pos: int) -> _Unit | None:
        """Return the sentence or list item holding a position."""
        for unit in self.units:
            if unit.start <= pos < unit.end:
                return unit
        return None

    def _units(self) -> Iterator[_Unit]:
        for line in re.finditer(r"[^\n]+", self.masked):
            for start, end in self._sentences(line.start(), line.end()):
                yield from self._items(start, end)

    def _sentences(self, start: int, end: int) -> Iterator[tuple[int, int]]:
        masked = self.masked
        begin = start
        for m in _SENTENCE_END.finditer(masked, start, end):
            rest = masked[m.end() : end].lstrip()
            if rest and rest[0].islower():
                continue  # "e.g. buses", "etc. and"
            before = re.search(r"([^\W\d_]+)$", masked[begin : m.start()])
            if m.group().startswith(".") and before and before.group(1).lower() in _TITLES:
                continue
            yield begin, m.end()
            begin = m.end()
        if masked[begin:end].strip():
            yield begin, end

    def _items(self, start: int, end: int) -> Iterator[_Unit]:
        masked = self.masked
        cuts = [
            m.start()
            for m in _SEPARATOR.finditer(masked, start, end)
            if not (
                0 < m.start() < len(masked) - 1
                and masked[m.start() - 1].isdigit()
                and masked[m.start() + 1].isdigit()
            )
        ]
        bounds = [start, *cuts, end]
        parts = []
        for a, b in zip(bounds, bounds[1:], strict=False):
            a = a if a == start else a + 1
            words = len(self.tokens_in(a, b))
            if words:
                parts.append((a, b, words))
        if len(parts) >= LIST_MIN_ITEMS and parts[-1][2] > LIST_ITEM_MAX_WORDS:
            parts[-1:] = self._last_two_items(*parts[-1])
        is_list = (
            len(parts) >= LIST_MIN_ITEMS
            and parts[0][0] == start
            and all(words <= LIST_ITEM_MAX_WORDS for _a, _b, words in parts[1:])
        )
        if is_list:
            for a, b, words in parts:
                yield self._trimmed(a, b, words, 0)
        else:
            words = len(self.tokens_in(start, end))
            if words:
                yield self._trimmed(start, end, words, len(cuts))

    def _last_two_items(self, start: int, end: int, words: int) -> list[tuple[int, int, int]]:
        """Split "a ramp and a quiet room" at its last "and", as a list's last two items."""
        joins = list(self.conjunction.finditer(self.masked, start, end)) if self.conjunction else []
        if not joins:
            return [(start, end, words)]
        cut = joins[-1].start()
        return [
            (start, cut, len(self.tokens_in(start, cut))),
            (cut, end, len(self.tokens_in(cut, end))),
        ]

    def _trimmed(self, start: int, end: int, words: int, separators: int) -> _Unit:
        # Leading blanks include Markdown markers; trailing ones keep a closing URL.
        while start < end and self.masked[start].isspace():
            start += 1
        while end > start and self.text[end - 1].isspace():
            end -= 1
        return _Unit(start, end, words, separators)


# -- the checker ---------------------------------------------------------------------


def _finding(
    text: _Text, rule: str, start: int, end: int, severity: Severity, template: str, **params: Param
) -> Finding:
    return Finding(
        rule=rule,
        start=start,
        end=end,
        excerpt=text.text[start:end],
        message=template % params,
        severity=severity,
        template=template,
        params=tuple(params.items()),
    )


def _base_language(language: str) -> str:
    return (language or "en").replace("_", "-").split("-")[0].lower()


def check(
    text: str,
    *,
    glossary: Mapping[str, str] = _EMPTY,
    jargon: Mapping[str, str] | None = None,
    language: str = "en",
) -> list[Finding]:
    """Check a text against the easy-read rules and return the findings in text order."""
    if not text or not text.strip():
        return []
    lang = _base_language(language)
    prepared = _Text(text, lang)
    known = _Known(glossary, lang)
    findings: list[Finding] = []
    findings += _sentence_length(prepared)
    abbreviations = _abbreviations(prepared, known, lang)
    findings += abbreviations
    findings += _capitals_and_acronyms(prepared, known, abbreviations, lang)
    findings += _number_words(prepared, lang)
    findings += _percentages(prepared, lang)
    findings += _jargon(prepared, known, jargon, lang)
    findings += _emphasis(prepared)
    if lang == "en":
        findings += _passive(prepared)
        findings += _readability(prepared)
    return sorted(findings, key=lambda f: (f.start, f.end, f.rule))


class _Known:
    """The glossary's words and the abbreviations everyone knows, for quick look-ups."""

    def __init__(self, glossary: Mapping[str, str], lang: str) -> None:
        self.words = {key.strip().casefold() for key in glossary}
        self.words |= {w.replace(".", "") for w in self.words}
        self.well_known = _WELL_KNOWN.get(lang, _WELL_KNOWN["cy"])

    def __contains__(self, word: str) -> bool:
        folded = word.casefold()
        return (
            word in self.well_known or folded in self.words or folded.replace(".", "") in self.words
        )


def _sentence_length(text: _Text) -> list[Finding]:
    found = []
    for unit in text.units:
        if unit.words > MAX_SENTENCE_WORDS:
            template = SENTENCE_LONG_LIST if unit.separators >= 2 else SENTENCE_LONG
            found.append(
                _finding(
                    text,
                    "sentence_length",
                    unit.start,
                    unit.end,
                    "warning",
                    template,
                    words=unit.words,
                    limit=MAX_SENTENCE_WORDS,
                )
            )
    return found


@cache
def _abbreviation_patterns(lang: str) -> tuple[tuple[re.Pattern[str], str, bool], ...]:
    return tuple(
        (re.compile(rf"(?<![^\W_])(?:{pattern})(?![^\W_])", re.I), plain, explainable)
        for pattern, plain, explainable in _ABBREVIATIONS.get(lang, _ABBREVIATIONS["*"])
    )


_DOTTED = re.compile(r"(?<![^\W_.])(?:[^\W\d_]\.){2,}")


def _abbreviations(text: _Text, known: _Known, lang: str) -> list[Finding]:
    found: list[Finding] = []
    template = ABBREVIATION_PLAIN if lang in _ABBREVIATIONS else ABBREVIATION
    taken: list[tuple[int, int]] = []
    for pattern, plain, explainable in _abbreviation_patterns(lang):
        for m in pattern.finditer(text.masked):
            abbr = m.group().strip()
            end = m.start() + len(abbr)
            if explainable and abbr in known:
                continue
            if any(s < end and m.start() < e for s, e in taken):
                continue
            taken.append((m.start(), end))
            found.append(
                _finding(
                    text,
                    "abbreviation",
                    m.start(),
                    end,
                    "warning",
                    template,
                    **(
                        {"plain": plain, "abbr": abbr}
                        if template == ABBREVIATION_PLAIN
                        else {"abbr": abbr}
                    ),
                )
            )
    for m in _DOTTED.finditer(text.masked):
        abbr = m.group()
        if abbr.lower() in _TIMES or abbr in known:
            continue
        if any(s < m.end() and m.start() < e for s, e in taken):
            continue
        taken.append((m.start(), m.end()))
        found.append(
            _finding(text, "abbreviation", m.start(), m.end(), "warning", ABBREVIATION, abbr=abbr)
        )
    return found


def _is_capitals(word: str) -> bool:
    letters = [c for c in word if c.isalpha()]
    return bool(letters) and all(c.isupper() for c in letters)


def _acronym_core(word: str) -> str | None:
    """Return the capitals of an acronym-like word ("CCGs" -> "CCG"), or None."""
    core = re.sub(r"(?:['’]s|s)$", "", word) if not _is_capitals(word) else word
    if not _is_capitals(core) or sum(c.isalpha() for c in core) < 2:
        return None
    return core


def _capitals_and_acronyms(
    text: _Text, known: _Known, abbreviations: list[Finding], lang: str
) -> list[Finding]:
    found: list[Finding] = []
    words = [t for t in text.tokens if t.kind != "number"]
    in_block: set[int] = set()
    run: list[_Token] = []

    def close_run() -> None:
        long_words = [t for t in run if sum(c.isalpha() for c in t.text) >= 2]
        if len(run) >= CAPITALS_RUN and len(long_words) >= 2:
            in_block.update(t.start for t in run)
            if not all(len(t.text) == 1 or t.text in known for t in run):
                found.append(
                    _finding(
                        text,
                        "capitals",
                        run[0].start,
                        run[-1].end,
                        "warning",
                        CAPITALS_BLOCK,
                    )
                )
        run.clear()

    for token in words:
        same_line = not run or "\n" not in text.masked[run[-1].end : token.start]
        if token.kind == "word" and _is_capitals(token.text) and same_line:
            run.append(token)
            continue
        close_run()
        if token.kind == "word" and _is_capitals(token.text):
            run.append(token)
    close_run()

    for token in words:
        if token.kind != "word" or token.start in in_block:
            continue
        core = _acronym_core(token.text)
        if core is None or core in known or core.split("-")[0] in known:
            continue
        if any(f.start < token.end and token.start < f.end for f in abbreviations):
            continue
        shouted = lang == "en" and core.lower() in _COMMON_SHORT
        if shouted or sum(c.isalpha() for c in core) >= CAPITALS_LONG_WORD:
            found.append(
                _finding(
                    text,
                    "capitals",
                    token.start,
                    token.end,
                    "warning",
                    CAPITALS_WORD,
                    word=token.text,
                )
            )
        else:
            found.append(
                _finding(
                    text, "acronym", token.start, token.end, "warning", ABBREVIATION, abbr=core
                )
            )
    return found


def _words_to_int(words: list[str]) -> int | None:
    """Read English number words ("two hundred and five") as a number, or None."""
    total, group, last_scale = 0, 0, 10**12
    seen = False
    for word in words:
        if word == "and":
            continue
        seen = True
        if word in _EN_UNITS:
            value = _EN_UNITS[word]
            if group % 100 == 0:
                group += value
            elif group % 100 >= 20 and group % 10 == 0 and value < 10:
                group += value
            else:
                return None
        elif word in _EN_TENS:
            if group % 100:
                return None
            group += _EN_TENS[word]
        elif word == "hundred":
            if group >= 100:
                return None
            group = (group or 1) * 100
        elif word in _EN_SCALES:
            scale = _EN_SCALES[word]
            if scale >= last_scale:
                return None
            total += (group or 1) * scale
            group, last_scale = 0, scale
        else:
            return None
    return total + group if seen else None


def _number_parts(word: str, numbers: Mapping[str, int]) -> list[str] | None:
    parts = re.split(r"[-‐]", word.lower())
    return parts if all(p in numbers for p in parts) else None


def _number_words(text: _Text, lang: str) -> list[Finding]:
    if lang not in ("en", "cy"):
        return []
    numbers: Mapping[str, int] = _EN_NUMBERS if lang == "en" else _CY_NUMBERS
    found = _dates(text) if lang == "en" else []
    tokens = text.tokens
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if token.kind != "word" or _number_parts(token.text, numbers) is None:
            i += 1
            continue
        first = i
        run = [token]
        j = i + 1
        while j < len(tokens):
            gap = text.masked[run[-1].end : tokens[j].start]
            if gap.strip() or tokens[j].kind != "word":
                break
            nxt = tokens[j].text.lower()
            if lang == "en" and nxt == "and" and j + 1 < len(tokens):
                after = tokens[j + 1]
                if (
                    run[-1].text.lower() in _EN_SCALES
                    and not text.masked[tokens[j].end : after.start].strip()
                    and _number_parts(after.text, numbers)
                ):
                    run += [tokens[j], after]
                    j += 2
                    continue
            if _number_parts(tokens[j].text, numbers) is None:
                break
            run.append(tokens[j])
            j += 1
        i = j
        if lang == "en" and len(run) == 1 and run[0].text.lower() == "one":
            if not _one_counts(text, tokens, first):
                continue
        words = text.text[run[0].start : run[-1].end]
        if lang == "en":
            value = _words_to_int(
                [p for t in run for p in (_number_parts(t.text, numbers) or [t.text.lower()])]
            )
        else:
            value = numbers[run[0].text.lower()] if len(run) == 1 else None
        if value is None:
            found.append(
                _finding(
                    text,
                    "number_words",
                    run[0].start,
                    run[-1].end,
                    "advice",
                    NUMBER_WORDS_ANY,
                    words=words,
                )
            )
        else:
            found.append(
                _finding(
                    text,
                    "number_words",
                    run[0].start,
                    run[-1].end,
                    "advice",
                    NUMBER_WORDS,
                    digits=str(value),
                    words=words,
                )
            )
    return found


def _one_counts(text: _Text, tokens: list[_Token], index: int) -> bool:
    """Say whether "one" counts something here ("one person"), not "no one" or "the one"."""
    token = tokens[index]
    if index > 0:
        before = tokens[index - 1]
        if not text.masked[before.end : token.start].strip():
            if before.text.lower() in _ONE_BEFORE:
                return False
    if index + 1 >= len(tokens):
        return False
    after = tokens[index + 1]
    if text.masked[token.end : after.start].strip() or after.kind != "word":
        return False
    return after.text.lower() not in _ONE_AFTER


_ORDINAL_RE = "|".join(sorted((w.replace("-", r"[\s-]") for w in _ORDINALS), key=len, reverse=True))
_MONTH_RE = "|".join(_MONTHS)
_DATE_WORDS = re.compile(
    rf"(?<![^\W_])(?:(?i:the\s+)?(?P<o1>(?i:{_ORDINAL_RE}))\s+(?i:of)\s+(?P<m1>{_MONTH_RE})"
    rf"|(?P<m2>{_MONTH_RE})\s+(?i:the\s+)?(?P<o2>(?i:{_ORDINAL_RE})))(?![^\W_])"
)


def _dates(text: _Text) -> list[Finding]:
    found = []
    for m in _DATE_WORDS.finditer(text.masked):
        ordinal = re.sub(r"[\s-]+", "-", (m.group("o1") or m.group("o2")).lower())
        month = m.group("m1") or m.group("m2")
        found.append(
            _finding(
                text,
                "number_words",
                m.start(),
                m.end(),
                "advice",
                DATE_WORDS,
                date=f"{_ORDINALS[ordinal]} {month}",
            )
        )
    return found


_PERCENT = {
    "en": re.compile(
        r"(?<![^\W_])(?P<num>\d+(?:[.,]\d+)?|[^\W\d_]+(?:-[^\W\d_]+)?)\s?(?:%|(?i:per\s?cent)\b)"
    ),
    "cy": re.compile(
        r"(?<![^\W_])(?P<num>\d+(?:[.,]\d+)?|[^\W\d_]+(?:-[^\W\d_]+)?)"
        r"\s?(?:%|(?i:y\s?cant|per\s?cent)\b)"
    ),
}
_FRACTIONS = sorted(((a, b) for b in range(2, 11) for a in range(1, b)), key=lambda ab: ab[1])


def _plain_share(percent: float, lang: str) -> str | None:
    """Say a percentage as "1 in 4", "about half"... in the text's language."""
    if percent <= 0 or percent > 100:
        return {"en": "none", "cy": "dim un"}.get(lang) if percent == 0 else None
    if percent == 100:
        return {"en": "all", "cy": "pob un"}.get(lang)
    a, b = min(_FRACTIONS, key=lambda ab: abs(ab[0] / ab[1] - percent / 100))
    exact = abs(a / b - percent / 100) < 0.001
    if lang == "en":
        words = "half" if (a, b) == (1, 2) else f"{a} in {b}"
        return words if exact else f"about {words}"
    if lang == "cy":
        words = "hanner" if (a, b) == (1, 2) else f"{a} o bob {b}"
        return words if exact else f"tua {words}"
    return None


def _percentages(text: _Text, lang: str) -> list[Finding]:
    found = []
    pattern = _PERCENT.get(lang, _PERCENT["cy"])
    for m in pattern.finditer(text.masked):
        number = m.group("num")
        # isdecimal, not isdigit: "²" is a digit to Python but no number to float().
        if number[0].isdecimal():
            value: float | None = float(number.replace(",", "."))
        else:
            if lang != "en":
                continue
            value = _words_to_int(re.split(r"[-\s]", number.lower()))
            if value is None:
                continue
        plain = _plain_share(value, lang) if value is not None else None
        percent = m.group()
        if plain:
            found.append(
                _finding(
                    text,
                    "percentage",
                    m.start(),
                    m.end(),
                    "advice",
                    PERCENT_PLAIN,
                    plain=plain,
                    percent=percent,
                )
            )
        else:
            found.append(_finding(text, "percentage", m.start(), m.end(), "advice", PERCENT_ANY))
    return found


def _jargon_pattern(key: str) -> str:
    pieces = []
    for piece in re.split(r"[\s‐-]+", key.strip().lower()):
        escaped = re.escape(piece)
        pieces.append(re.sub(r"is(?=e|ation|ing)", "i[sz]", escaped))
    return r"[\s‐-]*".join(pieces) + r"(?:s|es)?"


@lru_cache(maxsize=64)
def _jargon_regex(entries: tuple[str, ...]) -> tuple[re.Pattern[str], tuple[str, ...]] | None:
    """Compile one pattern for a jargon list; group jN matches the Nth key returned."""
    ordered = tuple(sorted((k for k in entries if k.strip()), key=len, reverse=True))
    if not ordered:
        return None
    alternation = "|".join(f"(?P<j{i}>{_jargon_pattern(k)})" for i, k in enumerate(ordered))
    return re.compile(rf"(?<![^\W_])(?:{alternation})(?![^\W_])", re.I), ordered


_EXPLAINED_AFTER = re.compile(r"[ \t]*(?:\(|(?i:means|is when)\b)")
_EXPLAINED_BEFORE = re.compile(r"(?i:\b(?:called|known as))[ \t]+$")


def _welsh_forms(word: str) -> tuple[str, ...]:
    """Return a Welsh word with its mutated forms ("comisiynu", "gomisiynu", ...)."""
    for first, forms in _WELSH_MUTATIONS:
        if word.startswith(first):
            rest = word[len(first) :]
            return (word, *(form + rest for form in forms))
    return (word,)


def _jargon(
    text: _Text, known: _Known, extra: Mapping[str, str] | None, lang: str
) -> list[Finding]:
    merged: dict[str, str] = {}
    for key, plain in _DEFAULT_JARGON_BY_LANGUAGE.get(lang, _EMPTY).items():
        for form in _welsh_forms(key) if lang == "cy" else (key,):
            merged[form] = plain
    if extra:
        merged.update((k.strip().lower(), v) for k, v in extra.items() if k.strip())
    compiled = _jargon_regex(tuple(sorted(merged)))
    if compiled is None:
        return []
    regex, ordered = compiled
    found = []
    for m in regex.finditer(text.masked):
        key = ordered[int((m.lastgroup or "j0")[1:])]
        word = m.group()
        plain = merged[key]
        if key in known or word in known:
            continue
        if _EXPLAINED_AFTER.match(text.masked, m.end()):
            continue  # "safeguarding (keeping people safe)", "safeguarding means ..."
        if _EXPLAINED_BEFORE.search(text.masked, 0, m.start()):
            continue  # "... This is called safeguarding."
        unit = text.unit_at(m.start())
        if unit and plain.casefold() in text.text[unit.start : unit.end].casefold():
            continue
        found.append(
            _finding(text, "jargon", m.start(), m.end(), "warning", JARGON, word=word, plain=plain)
        )
    return found


_ITALIC_STAR = re.compile(r"(?<![*\\\w])\*(?=[^\s*])[^*\n]+?(?<=[^\s*\\])\*(?![*\w])")
_ITALIC_UNDERSCORE = re.compile(r"(?<![\w\\])_(?=[^\s_])[^_\n]+?(?<=[^\s_\\])_(?!\w)")
_HTML_EMPHASIS = re.compile(
    r"<(?P<tag>i|em|cite|var|dfn|u|ins)\b[^<>]*>"
    r"|<(?P<styled>[a-z][a-z0-9]*)\b[^<>]*\bstyle\s*=\s*[\"'][^\"']*"
    r"(?P<style>italic|underline|oblique)[^<>]*>",
    re.I,
)


def _emphasis(text: _Text) -> list[Finding]:
    found = []
    source = text.text
    for pattern in (_ITALIC_STAR, _ITALIC_UNDERSCORE):
        for m in pattern.finditer(source):
            if text.in_ignored(m.start(), m.end()):
                continue
            found.append(_finding(text, "italics", m.start(), m.end(), "warning", ITALICS))
    for m in _HTML_EMPHASIS.finditer(source):
        tag = (m.group("tag") or m.group("styled")).lower()
        underline = tag in ("u", "ins") or (m.group("style") or "").lower() == "underline"
        close = re.compile(rf"</{tag}\s*>", re.I).search(source, m.end())
        end = close.end() if close else m.end()
        if underline:
            found.append(_finding(text, "underline", m.start(), end, "warning", UNDERLINE))
        else:
            found.append(_finding(text, "italics", m.start(), end, "warning", ITALICS))
    return found


def _is_participle(word: str) -> bool:
    word = word.lower()
    if word in _NOT_PASSIVE:
        return False
    return word in _IRREGULAR or (len(word) >= 5 and word.endswith("ed") and word.isalpha())


def _passive(text: _Text) -> list[Finding]:
    found = []
    tokens = text.tokens
    for i, token in enumerate(tokens):
        if token.kind != "word" or token.text.lower() not in _BE:
            continue
        j = i + 1
        skipped = 0
        while j < len(tokens) and skipped <= 2:
            candidate = tokens[j]
            if text.masked[tokens[j - 1].end : candidate.start].strip():
                break
            if candidate.kind != "word":
                break
            word = candidate.text.lower()
            if word in _ADVERBS or (word.endswith("ly") and len(word) > 4):
                j += 1
                skipped += 1
                continue
            if _is_participle(word):
                found.append(
                    _finding(
                        text,
                        "passive",
                        token.start,
                        candidate.end,
                        "advice",
                        PASSIVE,
                        phrase=text.text[token.start : candidate.end],
                    )
                )
            break
    return found


# -- readability ---------------------------------------------------------------------


@cache
def _hyphenator() -> pyphen.Pyphen:
    return pyphen.Pyphen(lang="en_GB")


def _vowel_groups(piece: str, last: bool) -> int:
    groups = len(re.findall(r"[aeiouy]+", piece))
    if groups > 1:
        if piece.endswith("e") and not re.search(r"[^aeiouy]le$", piece):
            groups -= 1  # a silent e: "safe", "stake"
        elif last and re.search(r"[^aeiouytd]ed$", piece):
            groups -= 1  # "closed", not "voted" or "agreed"
        elif (
            last
            and re.search(r"[^aeiouy]es$", piece)
            and not re.search(r"(?:[sxzcg]|ch|sh|[^aeiouy]l)es$", piece)
        ):
            groups -= 1  # "likes", not "places" or "tables"
    return max(groups, 1)


@lru_cache(maxsize=8192)
def syllables(word: str) -> int:
    """Count a word's syllables: pyphen's hyphenation points, then vowel groups per piece."""
    total = 0
    for part in re.split(r"[-‐'’]+", word.lower()):
        letters = "".join(c for c in part if c.isalpha())
        if not letters:
            continue
        pieces = _hyphenator().inserted(letters, hyphen="-").split("-")
        total += sum(
            _vowel_groups(piece, last=n == len(pieces) - 1) for n, piece in enumerate(pieces)
        )
    return max(total, 1)


def _measure(text: _Text) -> Readability | None:
    words = [t for t in text.tokens if t.kind != "link"]
    sentences = sum(1 for unit in text.units if unit.words)
    if not words or not sentences:
        return None
    count = sum(1 if t.kind == "number" else syllables(t.text) for t in words)
    per_sentence = len(words) / sentences
    per_word = count / len(words)
    return Readability(
        words=len(words),
        sentences=sentences,
        syllables=count,
        reading_ease=206.835 - 1.015 * per_sentence - 84.6 * per_word,
        grade=0.39 * per_sentence + 11.8 * per_word - 15.59,
    )


def readability(text: str) -> Readability | None:
    """Measure an English text's Flesch reading ease and Flesch-Kincaid grade."""
    return _measure(_Text(text)) if text and text.strip() else None


def _readability(text: _Text) -> list[Finding]:
    measured = _measure(text)
    if measured is None or measured.words < READABILITY_MIN_WORDS:
        return []
    if measured.reading_ease >= READING_EASE_MIN:
        return []
    words = [t for t in text.tokens if t.kind != "link"]
    return [
        _finding(
            text,
            "readability",
            words[0].start,
            words[-1].end,
            "warning",
            READABILITY,
            # The formula can leave 0-100 for very hard or very easy text; say it within.
            ease=str(round(min(max(measured.reading_ease, 0), 100))),
            target=READING_EASE_MIN,
            grade=f"{measured.grade:.1f}",
        )
    ]
