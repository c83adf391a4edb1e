#!/usr/bin/env bash
# Drops from locale/fragments/*.po the entries whose msgid the catalogue no
# longer has (the code changed its wording): a fragment holds only live text.
set -euo pipefail
po=locale/zh_Hans/LC_MESSAGES/django.po
for fragment in locale/fragments/*.po; do
  msgcat --more-than=1 --use-first --no-location --no-wrap "$fragment" "$po" -o "$fragment.new"
  mv "$fragment.new" "$fragment"
done
