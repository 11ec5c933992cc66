"""What every case service shares (docs/architecture.md "Casework"), so that a service
holds only its own rules and fields (docs/adding-a-case-service.md).

The rules, pure (an import contract keeps them so):

- :mod:`.case`: the case as the rules read it (:class:`~.case.CaseState`), its persons,
  the authorities from the directory;
- :mod:`.state_machine`: declarative transitions, roles and sides; allowed actions;
- :mod:`.lifecycle`: the states the shared rules ask about, and who may consult, add,
  ask and answer status requests, edit and share a draft, record a counterpart's step;
- :mod:`.deadlines` and :mod:`.dates`: due instants on the responsible calendar, pause
  and resume, and the one rule for dates of steps;
- :mod:`.outcome`: what a decision returns; :mod:`.errors`: what a rule answers when
  it says no; :mod:`.parties`, :mod:`.persons`, :mod:`.vocabulary`.

The mechanics:

- :mod:`.service`: :class:`~.service.CaseService`, a case type's wiring: loading with
  visibility, ``If-Match``, the one apply (history, audit, deadlines, outbox), events,
  references, reads, lists and drafts;
- :mod:`.endpoints`: the routes of every case service; :mod:`.routing`: the route class
  and the use-case context; :mod:`.subresources`: consultations, persons, documents,
  deadlines, history, status requests, links and liaison officers;
- :mod:`.models`, :mod:`.repository`, :mod:`.requests`, :mod:`.public`,
  :mod:`.schemas`: the shared tables and columns, their queries and API models;
  :mod:`.migration_ops`: their frozen migrations.
"""
