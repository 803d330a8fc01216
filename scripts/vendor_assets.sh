#!/usr/bin/env bash
# Refresh the vendored front-end assets in static/vendor/ from the npm registry.
#
# NOT run by the build: the vendored files are committed, and nothing is
# fetched from a CDN or registry at run time. A maintainer runs this by hand
# (needs node + npm and access to the npm registry), reviews the diff under
# static/vendor/, and commits it.
#
#   bash scripts/vendor_assets.sh
#
# To upgrade: change the pinned versions below, re-run, check the glyphs
# still look right (OpenMoji sometimes redraws them), update the versions in
# static/vendor/README.md, and commit.
#
# What it writes (and nothing else):
#   static/vendor/openmoji/<name>.svg, LICENSE.txt, ATTRIBUTION.md
#   static/vendor/atkinson-hyperlegible/*.woff2, LICENSE, font.css, pdf.css
#   static/vendor/atkinson-hyperlegible-next/*.woff2, LICENSE
set -euo pipefail

OPENMOJI_VERSION="17.0.0"                 # npm: openmoji (CC BY-SA 4.0)
ATKINSON_VERSION="5.3.0"                  # npm: @fontsource/atkinson-hyperlegible (OFL-1.1)
# The 2025 redraw has the Welsh letters the first font lacks (w and y with a circumflex,
# grave or diaeresis); only those letters are taken from it.
ATKINSON_NEXT_VERSION="5.3.0"             # npm: @fontsource/atkinson-hyperlegible-next (OFL-1.1)
WELSH_RANGE="U+0174-0177,U+1E80-1E85,U+1EF2-1EF3"

# Symbol name -> OpenMoji hexcode (file color/svg/<HEXCODE>.svg in the package).
# Names are what templates use: {% static 'vendor/openmoji/<name>.svg' %}.
# Keep one "name HEXCODE" pair per line; order here is the order in ATTRIBUTION.md.
SYMBOLS='
agree            2705
not_sure         1F914
disagree         274C
yes              1F44D
no               1F44E
abstain          1F610
consent          1F44C
concern          26A0
objection        1F6D1
dots             1F7E0
ranked           1F522
score            2B50
hand             270B
dont_understand  1F615
slow_down        1F40C
jargon           1F4AC
break            2615
speaker          1F5E3
read_aloud       1F50A
meeting          1F91D
people           1F465
vote             1F5F3
decision         2611
action           1F4CB
person           1F464
date             1F4C5
place            1F4CD
question         2753
idea             1F4A1
home             1F3E0
health           1F3E5
work             1F4BC
money            1F4B7
transport        1F68D
friends          1FAC2
food             1F957
safety           1F6E1
'

# Font files: only latin + latin-ext, normal style, weights 400 and 700, woff2.
FONT_SUBSETS="latin latin-ext"
FONT_WEIGHTS="400 700"

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENDOR="$ROOT/static/vendor"
OM_DIR="$VENDOR/openmoji"
FONT_DIR="$VENDOR/atkinson-hyperlegible"
NEXT_DIR="$VENDOR/atkinson-hyperlegible-next"

command -v npm >/dev/null || { echo "npm is required" >&2; exit 1; }
command -v node >/dev/null || { echo "node is required" >&2; exit 1; }

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

echo "Fetching openmoji@$OPENMOJI_VERSION and @fontsource/atkinson-hyperlegible@$ATKINSON_VERSION ..."
(
  cd "$WORK"
  npm pack --silent "openmoji@$OPENMOJI_VERSION" >/dev/null
  npm pack --silent "@fontsource/atkinson-hyperlegible@$ATKINSON_VERSION" >/dev/null
  npm pack --silent "@fontsource/atkinson-hyperlegible-next@$ATKINSON_NEXT_VERSION" >/dev/null
  mkdir om font next
  tar -xzf "openmoji-$OPENMOJI_VERSION.tgz" -C om
  tar -xzf "fontsource-atkinson-hyperlegible-$ATKINSON_VERSION.tgz" -C font
  tar -xzf "fontsource-atkinson-hyperlegible-next-$ATKINSON_NEXT_VERSION.tgz" -C next
)
OM_PKG="$WORK/om/package"
FONT_PKG="$WORK/font/package"
NEXT_PKG="$WORK/next/package"

# Sanity: the tarballs are the versions we asked for.
for pair in "$OM_PKG:$OPENMOJI_VERSION" "$FONT_PKG:$ATKINSON_VERSION" \
            "$NEXT_PKG:$ATKINSON_NEXT_VERSION"; do
  pkg="${pair%%:*}"; want="${pair##*:}"
  got="$(node -p "require('$pkg/package.json').version")"
  [ "$got" = "$want" ] || { echo "version mismatch in $pkg: $got != $want" >&2; exit 1; }
done

# ---------------------------------------------------------------- OpenMoji
mkdir -p "$OM_DIR"
# Start from a clean set so renamed/removed symbols do not linger.
find "$OM_DIR" -maxdepth 1 -type f \( -name '*.svg' -o -name 'LICENSE.txt' -o -name 'ATTRIBUTION.md' \) -delete

while read -r name hex; do
  [ -n "${name:-}" ] || continue
  src="$OM_PKG/color/svg/$hex.svg"
  [ -f "$src" ] || { echo "openmoji@$OPENMOJI_VERSION has no color/svg/$hex.svg (for '$name')" >&2; exit 1; }
  cp "$src" "$OM_DIR/$name.svg"   # kept byte-for-byte as shipped (but for objection, below)
done <<< "$SYMBOLS"

# The stop sign (objection) says STOP in English letters. coprod shows the word beside
# every symbol in the reader's language, so the letters are taken out of the picture
# (CC BY-SA 4.0 allows changes, and ATTRIBUTION.md says what changed). The letters are
# the lines and the paths starting inside the sign (y from 32 to 40); the sign's own
# outlines start on its top edge. tests/views/test_welsh.py checks the result.
python3 - "$OM_DIR/objection.svg" <<'EOF'
import re
import sys

path = sys.argv[1]
lines = open(path, encoding="utf-8").read().splitlines(keepends=True)


def letter(line):
    shape = line.strip()
    if shape.startswith("<line"):
        return True
    start = re.search(r'd="M\s*[-\d.]+[ ,]([-\d.]+)', shape)
    return shape.startswith("<path") and start is not None and float(start.group(1)) >= 16


open(path, "w", encoding="utf-8").write("".join(line for line in lines if not letter(line)))
EOF

if [ -f "$OM_PKG/LICENSE.txt" ]; then
  cp "$OM_PKG/LICENSE.txt" "$OM_DIR/LICENSE.txt"
else
  cat > "$OM_DIR/LICENSE.txt" <<'EOF'
All emojis designed by OpenMoji – the open-source emoji and icon project. License: CC BY-SA 4.0

The OpenMoji graphics in this folder are licensed under the Creative Commons
Attribution-ShareAlike 4.0 International licence (CC BY-SA 4.0):
https://creativecommons.org/licenses/by-sa/4.0/legalcode
EOF
fi

# ATTRIBUTION.md: one row per file, with hexcode, emoji, annotation and author
# taken from the package's own data/openmoji.json.
SYMBOLS="$SYMBOLS" node - "$OM_PKG" "$OPENMOJI_VERSION" > "$OM_DIR/ATTRIBUTION.md" <<'EOF'
const [pkg, version] = process.argv.slice(2);
const data = require(pkg + '/data/openmoji.json');
const byHex = new Map(data.map(e => [e.hexcode, e]));
const rows = process.env.SYMBOLS.trim().split('\n').map(l => l.trim().split(/\s+/));
const out = [];
out.push('# OpenMoji symbols used by coprod', '');
out.push('All emojis designed by [OpenMoji](https://openmoji.org/) – the open-source emoji and icon project. ' +
         'License: [CC BY-SA 4.0](https://creativecommons.org/licenses/by-sa/4.0/)', '');
out.push(`Source: npm package \`openmoji@${version}\`, files \`color/svg/<HEXCODE>.svg\`, copied unmodified ` +
         'and renamed by meaning, except `objection.svg`: its letters "STOP" are taken out (coprod shows ' +
         'the word beside the symbol, in English or Welsh). Licence text: [LICENSE.txt](LICENSE.txt). ' +
         'Regenerate with `bash scripts/vendor_assets.sh` (the name → hexcode map lives there).', '');
out.push('| file | hexcode | emoji | OpenMoji annotation | OpenMoji author |');
out.push('| --- | --- | --- | --- | --- |');
for (const [name, hex] of rows) {
  const e = byHex.get(hex);
  if (!e) { console.error(`hexcode ${hex} (${name}) not in data/openmoji.json`); process.exit(1); }
  out.push(`| \`${name}.svg\` | \`${hex}\` | ${e.emoji} | ${e.annotation}${name === 'objection' ? ' (letters taken out)' : ''} | ${e.openmoji_author || ''} |`);
}
out.push('');
process.stdout.write(out.join('\n'));
EOF

# ---------------------------------------------------------------- Atkinson Hyperlegible
mkdir -p "$FONT_DIR"
find "$FONT_DIR" -maxdepth 1 -type f \( -name '*.woff2' -o -name 'LICENSE' -o -name '*.css' \) -delete

cp "$FONT_PKG/LICENSE" "$FONT_DIR/LICENSE"

{
  echo "/* Atkinson Hyperlegible (Braille Institute), SIL Open Font License 1.1 - see LICENSE."
  echo "   From npm @fontsource/atkinson-hyperlegible@$ATKINSON_VERSION; generated by scripts/vendor_assets.sh."
  echo "   Subsets latin + latin-ext, normal style, weights 400 and 700. No italic is vendored. */"
} > "$FONT_DIR/font.css"

for weight in $FONT_WEIGHTS; do
  for subset in $FONT_SUBSETS; do
    file="atkinson-hyperlegible-$subset-$weight-normal.woff2"
    [ -f "$FONT_PKG/files/$file" ] || { echo "missing $file in package" >&2; exit 1; }
    cp "$FONT_PKG/files/$file" "$FONT_DIR/$file"
    range="$(node -p "require('$FONT_PKG/unicode.json')['$subset']")"
    [ -n "$range" ] && [ "$range" != "undefined" ] || { echo "no unicode-range for $subset" >&2; exit 1; }
    cat >> "$FONT_DIR/font.css" <<EOF

/* atkinson-hyperlegible-$subset-$weight-normal */
@font-face {
  font-family: 'Atkinson Hyperlegible';
  font-style: normal;
  font-display: swap;
  font-weight: $weight;
  src: url(./$file) format('woff2');
  unicode-range: $range;
}
EOF
  done
done

# ---------------------------------------------------------------- the Welsh letters
# Declared after the faces above under the same family, with a narrow unicode-range:
# a browser checks the last matching face first, so only these letters come from here.
mkdir -p "$NEXT_DIR"
find "$NEXT_DIR" -maxdepth 1 -type f \( -name '*.woff2' -o -name 'LICENSE' \) -delete
cp "$NEXT_PKG/LICENSE" "$NEXT_DIR/LICENSE"
for weight in $FONT_WEIGHTS; do
  file="atkinson-hyperlegible-next-latin-ext-$weight-normal.woff2"
  [ -f "$NEXT_PKG/files/$file" ] || { echo "missing $file in package" >&2; exit 1; }
  cp "$NEXT_PKG/files/$file" "$NEXT_DIR/$file"
  cat >> "$FONT_DIR/font.css" <<EOF

/* Welsh w and y with accents, from npm @fontsource/atkinson-hyperlegible-next@$ATKINSON_NEXT_VERSION
   (SIL Open Font License 1.1, see ../atkinson-hyperlegible-next/LICENSE) */
@font-face {
  font-family: 'Atkinson Hyperlegible';
  font-style: normal;
  font-display: swap;
  font-weight: $weight;
  src: url(../atkinson-hyperlegible-next/$file) format('woff2');
  unicode-range: $WELSH_RANGE;
}
EOF
done

# pdf.css, for WeasyPrint: one face per family and weight, no unicode-range. WeasyPrint
# names a PDF font after its family, weight and style, so two faces of one family that
# differ only by unicode-range (latin, latin-ext) collide and print wrong letters. So
# the PDF takes Atkinson Hyperlegible's latin faces, and the latin-ext letters (Welsh w
# and y with accents among them) from "Atkinson Hyperlegible Next", listed second in
# the PDF's font-family.
{
  echo "/* Fonts for PDFs made by WeasyPrint; generated by scripts/vendor_assets.sh."
  echo "   Use font-family: \"Atkinson Hyperlegible\", \"Atkinson Hyperlegible Next\", sans-serif."
  echo "   SIL Open Font License 1.1: see LICENSE and ../atkinson-hyperlegible-next/LICENSE. */"
  for weight in $FONT_WEIGHTS; do
    cat <<EOF

@font-face {
  font-family: 'Atkinson Hyperlegible';
  font-style: normal;
  font-weight: $weight;
  src: url(./atkinson-hyperlegible-latin-$weight-normal.woff2) format('woff2');
}

@font-face {
  font-family: 'Atkinson Hyperlegible Next';
  font-style: normal;
  font-weight: $weight;
  src: url(../atkinson-hyperlegible-next/atkinson-hyperlegible-next-latin-ext-$weight-normal.woff2) format('woff2');
}
EOF
  done
} > "$FONT_DIR/pdf.css"

echo "Done. Vendored:"
du -ab "$OM_DIR" "$FONT_DIR" "$NEXT_DIR" | sort -k2
echo "Remember: update the versions in static/vendor/README.md if you changed them."
