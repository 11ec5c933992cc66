"""Mutual legal assistance (docs/domain.md "Mutual legal assistance"; Plan of Action paras.
55-56): :mod:`.request` (the measures, the content and language of a request, dual
criminality) and :mod:`.grounds` (refusal and postponement, per legal basis). The
prior consultation before a refusal or postponement is in
:mod:`shared.legal.consultation`."""
