#!/usr/bin/env bash
# Installs what the project needs from the operating system (Debian/Ubuntu):
#   fonts-wqy-microhei  a CJK TrueType font embedded in the PDFs
#   poppler-utils       pdftoppm, to render PDFs to images in tests
#   chromium            headless browser for the end-to-end tests
#   faketime            runs a command at a chosen hour (CI builds the demo at 01:30 Beijing time)
# Idempotent: does nothing when everything is present.
set -euo pipefail

need=()
[ -f /usr/share/fonts/truetype/wqy/wqy-microhei.ttc ] || need+=(fonts-wqy-microhei)
command -v pdftoppm >/dev/null 2>&1 || need+=(poppler-utils)
command -v faketime >/dev/null 2>&1 || need+=(faketime)
if [ "${1:-}" != "--no-browser" ]; then
  command -v chromium >/dev/null 2>&1 || need+=(chromium)
fi
[ ${#need[@]} -eq 0 ] && exit 0

if ! command -v apt-get >/dev/null 2>&1; then
  echo "缺少系统软件包：${need[*]}；本机没有 apt-get，请手工安装。" >&2
  exit 1
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo -n"; else
    echo "需要 root 权限安装：${need[*]}" >&2; exit 1
  fi
fi
echo "安装系统软件包：${need[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq </dev/null
$SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" </dev/null >/dev/null
