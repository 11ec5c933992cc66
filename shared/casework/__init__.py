"""What every case service shares (DESIGN.md "Casework: what every request type shares").

- :mod:`.state_machine`: declarative transitions, roles and sides; allowed actions;
- :mod:`.parties`: who is a party, from which side, and the visibility filter;
- :mod:`.deadlines`: due instants on the responsible State's calendar, pause and resume;
- :mod:`.models`: the shared tables (deadlines, history, consultations, persons,
  documents, links, status requests, liaison attachments), keyed by ``case_id``;
- :mod:`.repository`: their queries; :mod:`.persons`: pseudonyms and disclosure;
- :mod:`.requests`: the queries on a service's own request table, given its model,
  and the cursors of its list;
- :mod:`.changes`: the history, audit entry and event of a change, and the deadlines
  every event carries;
- :mod:`.routing`: the route class, the problems of each kind of route, the use-case
  context; :mod:`.subresources`: the sub-resources every case service offers, and
  :mod:`.endpoints`: their HTTP endpoints, declared once.

Nothing here knows a particular request type: each case service brings its own
states, rules and fields.
"""
