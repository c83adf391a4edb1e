"""The source documents of seeds/source/, named in words for staff: a text's
``source`` holds the file names it came from, separated by commas."""

from django.utils.translation import gettext_lazy as _

SOURCE_DOCUMENTS = {
    "000_25265ebef0c61237.txt": _(
        "Beijing Polytechnic University, its English website: About BPU"
    ),
    "001_f1a04d615e217fe0.txt": _(
        "Beijing University of Technology, its English website: Message from "
        "the Leadership"
    ),
    "002_9d4bc0301cb7d876.txt": _(
        "Chongqing Industry Polytechnic College, its English website: Why Us (2015–16)"
    ),
    "003_53ceae0b47568f73.txt": _(
        "Chongqing Industry Polytechnic College, its page on the Chinese "
        "Bridge Delegation Online platform, in Chinese and English (2022)"
    ),
    "004_5694882df1152261.txt": _(
        "Jinhua Polytechnic, its profile and areas of interest for partnership (WFCP)"
    ),
}


def source_names(source):
    """The documents of ``source`` in words, one per file; a file that is
    not in the list keeps its name."""
    files = [name.strip() for name in source.split(",") if name.strip()]
    return [SOURCE_DOCUMENTS.get(name, name) for name in files]
