"""IRC logs written for the tests: a MeetBot meeting with chairs, a question, its answer, a nick change."""

MEETBOT = """\
16:00:12 <gibi> #startmeeting nova
16:00:15 <bauzas> o/
16:00:20 <gibi> #chair bauzas
16:01:02 <gibi> #topic Bugs
16:02:40 <sean-k-mooney> is the gate still broken?
16:03:01 <melwitt> sean-k-mooney: no, it was fixed this morning
16:03:30 <sean-k-mooney> is now known as sean
16:04:00 * melwitt looks at the bug list
16:05:00 <gibi> #action melwitt to triage the new bugs
16:05:30 <bauzas> #agreed we release on Thursday
16:06:00 <melwitt> #endmeeting
16:06:30 <bauzas> #endmeeting
"""
