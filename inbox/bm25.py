"""BM25 keyword ranking of FAQ pairs: the assistant's answer when no AI key (or no AI plan) is available.

Plain Okapi BM25 (k1=1.5, b=0.75) over each FAQ's question and answer, folded like keywords
(case- and accent-insensitive). Common English and Indonesian function words are ignored so that
"what is" or "apa itu" alone never picks an answer.
"""
import math
import re
from collections import Counter

from .matching import fold

K1, B = 1.5, 0.75
_WORD = re.compile(r"\w+")
STOPWORDS = frozenset("""
a an the is are am was were be to of in on at for and or but with do does did can could would will i you
your we our my me it this that what which who how when where why there here please hi hello thanks thank
yang dan di ke dari ini itu apa ada untuk dengan saya kamu anda kami kita bisa tidak ya atau juga mau
berapa bagaimana kapan dimana siapa halo terima kasih tolong min kak gan sis
""".split())


def tokens(text):
    return [t for t in _WORD.findall(fold(text)) if t not in STOPWORDS and len(t) > 1]


def rank(query, documents):
    """[(score, index)] best first, for documents (strings) scored against `query`; zero scores dropped."""
    query_terms = tokens(query)
    docs = [tokens(d) for d in documents]
    if not query_terms or not docs:
        return []
    n = len(docs)
    avg_len = (sum(len(d) for d in docs) / n) or 1.0
    df = Counter(term for d in docs for term in set(d))
    scored = []
    for index, doc in enumerate(docs):
        freq = Counter(doc)
        score = 0.0
        for term in query_terms:
            if term not in freq:
                continue
            idf = math.log(1 + (n - df[term] + 0.5) / (df[term] + 0.5))
            tf = freq[term]
            score += idf * tf * (K1 + 1) / (tf + K1 * (1 - B + B * len(doc) / avg_len))
        if score > 0:
            scored.append((score, index))
    scored.sort(key=lambda pair: (-pair[0], pair[1]))
    return scored
