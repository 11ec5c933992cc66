"""Extradition: legal bases, refusal grounds, extradite or prosecute, time limits, treaties.

docs/domain.md "Extradition" (Plan of Action paras. 52-54). Pure: the facts, the
legal basis and the instants of the events come in; decisions, obligations and
due dates with their citations come out. One module per topic:
:mod:`.bases` (the legal bases, their figures, the conventions as the basis),
:mod:`.grounds` (refusal grounds), :mod:`.obligations` (extradite or prosecute),
:mod:`.limits` (time limits) and :mod:`.treaties` (the bilateral treaties Comity
knows). Dual criminality is in :mod:`shared.legal.dual_criminality`, the
offences in :mod:`shared.legal.offences`, the prior consultation before a
refusal in :mod:`shared.legal.consultation`.

**Legal bases.** :class:`ExtraditionBasisKind` adds the Model Treaty, the ECE
and the EAW to the kinds :mod:`shared.legal.bases` knows (same values where
they overlap). A basis carries its figures as ``parameters``
(:class:`BasisParameter`), with the instrument's figure as the default where it
has one (MTE [40] days, ECE 18/40 days, EAW 60/10/10 days); a bilateral treaty,
a convention used as the basis, reciprocity or domestic law must record its
own (the conventions leave them to domestic law and the treaties: UNTOC art.
16(7) (verify)), and a computation that needs a missing figure raises
:class:`BasisParameterMissing`.

**Refusal grounds** follow the checklist of the UNODC Model Law on Extradition
2004 (ss. 4-13), mandatory or optional as in the Model Treaty arts. 3 and 4
(verify the split); the ECE and the EAW have their own catalogues. The fiscal
nature of the offence alone is never a ground (UNTOC art. 16(15) (verify)), and
an offence under 1988 art. 3(1) is never a political offence (1988 art. 3(10)
(verify)).

**Time limits** are computed only through :func:`shared.calendar.due`, on the
local date of the event in the requested State's time zone, the event's own day
not counted unless the basis says so (``first_day_counted``). Every limit here
keeps a person in custody or decides on it, so none ever rolls to the next
working day (docs/architecture.md "Casework": custody limits never roll).

Read in the text for this module: MTE arts. 1-2; ECE art. 2 and the titles of
arts. 1-32; ECE art. 16(4) (in translation); ECE Third Additional Protocol art.
6; EAW arts. 2(1)-(2) and 17; the titles of the Model Law's sections; the 1978
United States-Mexico treaty art. 2 (one year; six months remaining). The rest
comes from docs/domain.md or is marked "(verify)".
"""
