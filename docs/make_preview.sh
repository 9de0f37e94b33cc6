#!/usr/bin/env bash
# Render a speechgen .docx to PDF with LibreOffice (headless) and its first page
# to docs/first-page.png, to eyeball the GB/T 9704 layout without Word.
#
# Usage: docs/make_preview.sh DRAFT.docx [OUT.png]
# Needs: soffice (libreoffice-writer-nogui), pdftoppm (poppler-utils) and CJK
# fonts (fonts-noto-cjk; fonts-arphic-ukai for 楷体).
#
# The official fonts (仿宋_GB2312, 方正小标宋简体, 楷体_GB2312, 黑体, 宋体) are not
# free, so a private fontconfig file maps each to the closest free face: the
# preview shows the layout and which text uses which face, not the real glyphs.
set -euo pipefail

docx=${1:?usage: docs/make_preview.sh DRAFT.docx [OUT.png]}
here=$(cd "$(dirname "$0")" && pwd)
out=${2:-"$here/first-page.png"}
command -v soffice >/dev/null || { echo "soffice not found (apt-get install libreoffice-writer-nogui)" >&2; exit 1; }
command -v pdftoppm >/dev/null || { echo "pdftoppm not found (apt-get install poppler-utils)" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

alias_font() {  # alias_font OFFICIAL FREE [WEIGHT]
    local weight=""
    [ -n "${3:-}" ] && weight="<edit name=\"weight\" mode=\"assign\"><const>$3</const></edit>"
    printf '  <match target="pattern"><test name="family"><string>%s</string></test>\n' "$1"
    printf '    <edit name="family" mode="assign" binding="strong"><string>%s</string></edit>%s</match>\n' "$2" "$weight"
}
{
    echo '<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig>'
    echo '  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>'
    alias_font "方正小标宋简体" "Noto Serif CJK SC" bold
    alias_font "华文中宋" "Noto Serif CJK SC" bold
    alias_font "仿宋_GB2312" "Noto Serif CJK SC"
    alias_font "仿宋" "Noto Serif CJK SC"
    alias_font "楷体_GB2312" "AR PL UKai CN"
    alias_font "楷体" "AR PL UKai CN"
    alias_font "黑体" "Noto Sans CJK SC"
    alias_font "宋体" "Noto Serif CJK SC"
    echo '</fontconfig>'
} > "$work/fonts.conf"

# a private profile keeps this run independent of any running LibreOffice
FONTCONFIG_FILE="$work/fonts.conf" soffice --headless \
    "-env:UserInstallation=file://$work/profile" \
    --convert-to pdf --outdir "$work" "$docx" >/dev/null
pdf="$work/$(basename "${docx%.*}").pdf"
[ -s "$pdf" ] || { echo "LibreOffice produced no PDF for $docx" >&2; exit 1; }
pdftoppm -r 80 -f 1 -l 1 -png -singlefile "$pdf" "${out%.png}"
echo "$out"
