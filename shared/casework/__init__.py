"""What every case service shares (DESIGN.md "Casework: what every request type shares").

- :mod:`.state_machine`: declarative transitions, roles and sides; allowed actions;
- :mod:`.parties`: who is a party, from which side, and the visibility filter;
- :mod:`.deadlines`: due instants on the responsible State's calendar, pause and resume;
- :mod:`.models`: the shared tables (deadlines, history, consultations, persons,
  documents, links, status requests, liaison attachments), keyed by ``case_id``;
- :mod:`.repository`: their queries; :mod:`.persons`: pseudonyms and disclosure;
- :mod:`.pagination`: opaque cursors for the case lists.

Nothing here knows a particular request type: each case service brings its own
states, rules and fields.
"""
