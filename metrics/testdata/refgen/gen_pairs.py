"""Generate the differential test pairs in ../diff_pairs.jsonl.gz.

The pairs are meant to be hard for a re-implementation: long explanations,
empty and whitespace-only sides, punctuation, numbers, hyphenated occupation
titles, accents, curly quotes, HTML entities, repeated n-grams, multi-line
text and unusual whitespace. Run: python3 gen_pairs.py | gzip -9n > ../diff_pairs.jsonl.gz
"""
import json
import random

rng = random.Random(20260527)

WORDS = ("the a of to and in for is on that with as by from this be are was it an at or "
         "has have their which they will can more also career experience role roles job jobs "
         "manager managers engineer engineers software data analyst analysts scientist "
         "scientists nurse nurses teacher teachers sales marketing operations financial "
         "specialist specialists develop developed developing development lead leading "
         "leadership team teams project projects skill skills training trained education "
         "degree bachelor master university college computer information systems network "
         "support technical technician technicians customer service services health care "
         "caring hospital registered business administration administrative office clerk "
         "clerks accounting accountant auditor auditors logistics supply chain production "
         "quality assurance testing tested test research researcher design designer designs "
         "construction electrician electricians mechanic maintenance repair installation "
         "happily running runs ran generalization generalizations relational conditional "
         "rationality hopefulness goodness formalize electrical adjustable dependent adoption "
         "communism activate angularity homologous effective bowdlerize probate cease "
         "controlling rolling skies dying lying news innings proceed succeeded exceeding "
         "flies dies spied enjoy happy sky sly geology theology archaeology").split()

TITLES = ["Computer-Aided Design Technicians", "Heating, Air Conditioning, and Refrigeration Mechanics",
          "Registered Nurses", "Software Developers", "Chief Executives", "Data Scientists",
          "First-Line Supervisors of Office and Administrative Support Workers",
          "Nurse Practitioners", "Computer and Information Research Scientists",
          "Health Care Social Workers", "Self-Enrichment Teachers", "Cost Estimators"]

SPECIAL = ["3.5", "1,000", "10-12", "2019-2023", "$75,000", "40%", "e.g.", "i.e.,", "U.S.",
           "(SOC 15-1252.00)", "“quoted”", "‘single’", "don't", "it’s", "naïve", "café",
           "résumé", "Zürich", "São Paulo", "&quot;", "&amp;", "&lt;b&gt;", "<skipped>", "—",
           "–", "…", "...", "?!", "#1", "@home", "C++", "C#", ".NET", "Node.js", "5.", ".5",
           "a,b", "1.2.3", "x/y", "well-known", "co-operate", "e-mail", "ÉCOLE", "İstanbul",
           "KELVIN", "ΣΟΦΙΑ", "ΟΔΟΣ", "straße", "ǅemal", "\u00a0", "\u2009", "\u200b",
           "\u3000", "\t", "\x1c", "1st", "2nd", "24/7", "9:00", "+", "=", "~", "^", "_", "|",
           "`", "[x]", "{y}", "\\n"]


def sentence(lo, hi):
    n = rng.randint(lo, hi)
    toks = []
    for _ in range(n):
        r = rng.random()
        if r < 0.08:
            toks.append(rng.choice(SPECIAL))
        elif r < 0.12:
            toks.append(rng.choice(TITLES))
        else:
            w = rng.choice(WORDS)
            if rng.random() < 0.1:
                w = w.capitalize()
            if rng.random() < 0.02:
                w = w.upper()
            toks.append(w)
        if rng.random() < 0.07:
            toks[-1] += rng.choice([",", ".", ";", ":", "!", "?", ")", "'s"])
    return " ".join(toks)


def text(lo, hi):
    s = sentence(lo, hi)
    r = rng.random()
    if r < 0.15:  # multi-line
        s = "\n".join(sentence(3, 20) for _ in range(rng.randint(2, 5)))
    elif r < 0.2:
        s = s + "-\n" + sentence(2, 8)
    elif r < 0.25:
        s = s + "\n\n" + sentence(2, 10) + "\n"
    return s


def perturb(s):
    toks = s.split(" ")
    out = []
    for t in toks:
        r = rng.random()
        if r < 0.15:
            continue
        if r < 0.3:
            out.append(rng.choice(WORDS))
        elif r < 0.35:
            out.extend([t, t])
        else:
            out.append(t)
    if rng.random() < 0.2:
        rng.shuffle(out)
    return " ".join(out)


pairs = []
fixed = [
    ("", ""), ("", "The dog bit the man."), ("The dog bit the man.", ""), ("   ", " \t "),
    ("\n", "\n\n"), ("a", "a"), ("a b", "a b"), ("the the the the the the the", "the cat is on the mat"),
    ("It is a guide to action which ensures that the military always obeys the commands of the party",
     "It is a guide to action that ensures that the military will forever heed Party commands"),
    ("he read the book because he was interested in world history",
     "he was interested in world history because he read the book"),
    ("Software Developers", "Software Developers"), ("Software Developer", "Software Developers"),
    ("Producția de zahăr primă va fi exprimată în ceea ce privește zahărul alb;",
     "producţia de zahăr brut se exprimă în zahăr alb;"),
    ("this is a cat", "okay thanks"), ("John loves Mary", "John loves Mary"),
    ("John loves Mary who loves Mike", "John loves Mary"), ("let go it", "let it go"),
    ("It is .", "It is a place of quiet contemplation ."),
    ("w1 w2 w6 w7 w8\nw1 w3 w8 w9 w5", "w1 w2 w3 w4 w5"),
    ("The quick brown dog jumps on the log.", "The quick brown fox jumps over the lazy dog"),
    ("3.5 million, 1,000 jobs; 10-12 years.", "3.5 million , 1,000 jobs ; 10 - 12 years ."),
    ("“Nurse” — she said…", "\"Nurse\" - she said..."),
    ("ΣΟΦΙΑΣ ΟΔΟΣ Σ", "σοφιας οδος σ"), ("İstanbul KELVIN \u212a", "istanbul kelvin k"),
    ("tab\tsep\x1cfield\u00a0nbsp\u2003em", "tab sep field nbsp em"),
    ("&quot;x&quot; &amp;amp; &lt;tag&gt;", "\"x\" &amp; <tag>"),
    ("end-\nof-line hyphen <skipped> gone", "endof-line hyphen gone"),
    ("running runs ran generalizations", "run running generalization"),
    ("a a a a b b b b", "a a b b a a b b"),
    ("Word", "word"), ("x", "y"), ("x y", "y x"), ("one two three four five", "one two three four five six"),
]
for i, (h, r) in enumerate(fixed):
    pairs.append({"id": f"fixed-{i:02d}", "hypothesis": h, "reference": r})

for i in range(220):
    kind = rng.random()
    if kind < 0.6:
        ref = text(25, 90)
        hyp = perturb(ref)
    elif kind < 0.8:
        ref = text(3, 15)
        hyp = text(3, 15) if rng.random() < 0.5 else perturb(ref)
    elif kind < 0.9:
        ref = text(100, 200)
        hyp = perturb(ref)
    else:
        ref = text(1, 5)
        hyp = rng.choice(["", " ", ref, ref.upper(), ref + " " + ref])
    pairs.append({"id": f"rand-{i:03d}", "hypothesis": hyp, "reference": ref})

for p in pairs:
    print(json.dumps(p, ensure_ascii=False))
