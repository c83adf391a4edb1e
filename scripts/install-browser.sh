#!/usr/bin/env bash
# Debian's Chromium (the browser tests drive it with Playwright; no browser
# download) and a font that covers Chinese, for the screenshots. Where the
# machine cannot install them, the browser tests skip and say why.
set -u
need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || need+=(fonts-noto-cjk)
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null; then
  echo "install-browser: cannot install ${need[*]} here (needs root and apt-get); browser tests will skip" >&2
  exit 0
fi
echo "install-browser: installing ${need[*]} from Debian's packages"
apt-get update -qq && apt-get install -y -qq "${need[@]}" >/dev/null ||
  echo "install-browser: apt-get failed; browser tests will skip" >&2
exit 0
