"""Mailing-list archives: mbox (plain or gzip), maildir, Mailman 2 pipermail, HyperKitty.

Four jobs, one module each: `mbox` splits archives into raw messages, `message` parses one
message's headers and body, `words` tells the author's own words and questions, `archives`
finds the monthly archives of a list on the web. Threads are rebuilt across a whole list by the
store (`niche.store.mail`).
"""

from niche.sources.mail.archives import Archive, hyperkitty_archives, hyperkitty_list, index_archives
from niche.sources.mail.mbox import RawMessage, open_archive, read_message_file, split_mbox
from niche.sources.mail.message import MAX_REFERENCES, Message, parse_message
from niche.sources.mail.words import own_words

__all__ = [
    "MAX_REFERENCES",
    "Archive",
    "Message",
    "RawMessage",
    "hyperkitty_archives",
    "hyperkitty_list",
    "index_archives",
    "open_archive",
    "own_words",
    "parse_message",
    "read_message_file",
    "split_mbox",
]
