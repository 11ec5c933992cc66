"""The citation strings the rules quote, in one place.

Style (as in ``services/directory/vocabulary.py``): ``"<instrument>, art. N(p)(x)"``;
several sources are joined with ``"; "``. A provision that was not read in the
original text ends with ``"(verify)"`` (docs/domain.md), so the user sees it is to be
checked.

Read in the text while writing this package: 1988 Convention art. 7(1)-(5); the
Model Treaty on Mutual Assistance (GA res. 45/117) art. 4(1)(a)-(c). The UNTOC
art. 18 paragraphs below are those docs/domain.md gives.
"""

from __future__ import annotations

C1988 = "1988 Convention"
UNTOC = "UNTOC"
UNCAC = "UNCAC"
MTMLA = "Model Treaty on Mutual Assistance in Criminal Matters (GA res. 45/117)"
EIO = "Directive 2014/41/EU (European Investigation Order)"
POA = "Plan of Action 2009"

VERIFY = "(verify)"


def art(instrument: str, provision: str, *, verify: bool = False) -> str:
    """``art(UNTOC, "18(8)")`` -> ``"UNTOC, art. 18(8)"``; ``verify`` appends "(verify)"."""
    text = f"{instrument}, art. {provision}"
    return f"{text} {VERIFY}" if verify else text


def para(provision: str) -> str:
    """A paragraph of the 2009 Plan of Action, part III.F: ``para("56(b)")``."""
    return f"{POA}, para. {provision}"


def join(*citations: str) -> str:
    """Several sources for one rule, in the order given."""
    return "; ".join(citations)


MODEL_LAW_EXTRADITION = "UNODC Model Law on Extradition (2004)"


def section(provision: str) -> str:
    """A section of the Model Law on Extradition: ``section("11")`` -> ``"... (2004), s. 11"``."""
    return f"{MODEL_LAW_EXTRADITION}, s. {provision}"
