#!/usr/bin/env bash
# The README's test command: installs what the tests' real consumers need, if missing
# (Graphviz, Chromium, PostgreSQL's server binaries for the throwaway databases of the
# store tests, networkx, the npm packages cytoscape, graphql-http and graphql-request),
# then runs every test. Safe to run again: it only installs what is
# not there yet. The tests that score on CoNLL-2002 articles need ../shared/data beside the checkout.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -d ../shared/data ]; then
  # The tests that score on CoNLL-2002 articles fail, each saying which data it needs and
  # where it comes from (tests/it/common.rs, `shared`); the others run (tests/data).
  echo "warning: ../shared/data is missing: the tests that score on CoNLL-2002 articles (NER, typed relations on dev.tsv, linking, resolution) will fail, each saying what it needs" >&2
fi

need_apt=()
command -v dot >/dev/null || need_apt+=(graphviz)
command -v chromium >/dev/null || need_apt+=(chromium)
compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || need_apt+=(postgresql)
if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "the tests need ${need_apt[*]}: install them (apt-get install ${need_apt[*]}) or run this as root" >&2
    exit 1
  fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi
python3 -c "import networkx" 2>/dev/null || python3 -m pip install --quiet --disable-pip-version-check networkx
if [ ! -d tests/js/node_modules ] || [ tests/js/package-lock.json -nt tests/js/node_modules ]; then
  npm ci --prefix tests/js --no-audit --no-fund --silent
fi

cargo test --locked "$@"
