"""Legal rules shared by the case services, as pure functions with citations.

docs/architecture.md "Legal rules live in pure code": nothing here reads the clock, the
database or the network; the facts come in as arguments and a
:class:`~shared.legal.rules.Decision` with violations, reasons and citations
comes out. The facts and their sources are in docs/domain.md; a citation that was
not read in the original text carries "(verify)" so the user can check it.
"""
