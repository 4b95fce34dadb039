# Quizbuilder. `make run` serves the site with demo quizzes; `make test` runs every check.
SHELL := /bin/bash
PYTHON ?= $(shell for p in python3.14 python3.13 python3.12 python3.11 python3; do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
	2>/dev/null && { echo $$p; break; }; done)
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: install install-dev fonts run test lint bench lighthouse messages clean

$(VENV)/bin/python:
	@test -n "$(PYTHON)" || { echo "Python 3.11+ is needed (python3.11 ... python3.14)"; exit 1; }
	@$(PYTHON) -m venv $(VENV)

# Reinstall only when a requirements file changed: a second `make` is instant and silent.
$(VENV)/.installed: requirements.txt | $(VENV)/bin/python
	@echo "Installing requirements into $(VENV) ..."
	@$(PY) -m pip install -q --upgrade pip >/dev/null
	@$(PY) -m pip install -q -r requirements.txt
	@touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt $(VENV)/.installed
	@echo "Installing test requirements into $(VENV) ..."
	@$(PY) -m pip install -q -r requirements-dev.txt
	@touch $@

# Cards draw rare hanzi, Korean and emoji with the system's Noto Sans CJK and Noto Color Emoji
# (sharing/fonts/README.md): installed here when missing and apt-get can (as root), else a hint.
# The cards still render without them, leaving those characters off.
CARD_FONTS := NotoSansCJK-Bold.ttc NotoSansCJK-Regular.ttc NotoColorEmoji.ttf
CARD_FONT_PACKAGES := fonts-noto-cjk fonts-noto-color-emoji
fonts:
	@missing=0; for f in $(CARD_FONTS); do \
		find /usr/share/fonts /usr/local/share/fonts -name "$$f" 2>/dev/null | grep -q . || missing=1; done; \
	if [ $$missing = 1 ]; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
			echo "Installing card fonts ($(CARD_FONT_PACKAGES)) ..."; \
			(apt-get update -qq && apt-get install -y -qq $(CARD_FONT_PACKAGES)) >/dev/null 2>&1 \
				|| echo "Could not install $(CARD_FONT_PACKAGES): cards will leave rare hanzi, Korean and emoji off"; \
		else echo "Card fonts missing: rare hanzi, Korean and emoji are left off the cards; install them with: sudo apt-get install $(CARD_FONT_PACKAGES)"; fi; \
	fi

# The empty recipes (@:) keep make from saying "Nothing to be done" when all is installed.
install: $(VENV)/.installed fonts
	@:

install-dev: $(VENV)/.installed-dev fonts
	@:

# Share links, card URLs and OG tags are absolute on SITE_URL: follow PORT unless it is set.
run: export SITE_URL ?= http://127.0.0.1:$(PORT)
# Debug (and its development key) only here, in `make messages` and in the tests
# (pyproject.toml): the settings default to production, where debug is off.
run messages: export DJANGO_DEBUG ?= true
run: install
	@$(PY) manage.py migrate --noinput -v 0
	@$(PY) manage.py load_demo
	@exec $(PY) manage.py serve --port $(PORT)

lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy .

# axe-core for the accessibility tests (tests/browser/test_studio_a11y.py): npm installs it by
# name into ./node_modules (ignored by git); without npm the tests say so and skip (fail in CI).
node_modules/axe-core/axe.min.js:
	@command -v npm >/dev/null 2>&1 && npm install --no-save --no-audit --no-fund --silent axe-core@4 >/dev/null 2>&1 \
		|| echo "axe-core not installed (needs npm): the accessibility tests will be skipped"

test: lint node_modules/axe-core/axe.min.js
	$(PY) tests/runner.py run

bench: install-dev
	-$(PY) benchmarks/web.py
	-$(PY) benchmarks/cards.py
	-$(PY) benchmarks/stats.py
	-$(PY) benchmarks/stats_scale.py
	-$(PY) benchmarks/share_page.py
	-$(PY) benchmarks/studio_preview.py
	-$(PY) benchmarks/spike.py

# Collect new interface strings into the zh_Hans catalogues, compile them, list what still
# needs a translation (GNU gettext: apt-get install gettext).
messages: install
	@command -v msgfmt >/dev/null || { echo "GNU gettext is needed: apt-get install gettext"; exit 1; }
	$(PY) manage.py makemessages -l zh_Hans --no-obsolete -i '.venv/*' -i 'var/*' -i 'tests/*' -i 'benchmarks/*'
	@# msgmerge's guesses (fuzzy: another string's translation) are emptied, to be translated.
	@for po in locale/zh_Hans/LC_MESSAGES/django.po quizzes/locale/zh_Hans/LC_MESSAGES/django.po; do \
		msgattrib --clear-fuzzy --empty --clear-previous -o "$$po" "$$po"; done
	$(PY) manage.py compilemessages -l zh_Hans -i '.venv'
	@for po in locale/zh_Hans/LC_MESSAGES/django.po quizzes/locale/zh_Hans/LC_MESSAGES/django.po; do \
		msgattrib --untranslated --no-obsolete --no-wrap "$$po" | grep '^msgid "' | grep -v '^msgid ""$$' \
		| sed "s|^|$$po: |" || true; done

clean:
	rm -rf $(VENV) var

# Lighthouse (npm lighthouse@12.2.3 into var/lighthouse/, Debian's Chromium, mobile preset) on
# the home, a quiz, a share page and a result page: the four scores each, goal >= 95.
lighthouse: install-dev
	CHROME_PATH=$${CHROME_PATH:-/usr/bin/chromium} $(PY) benchmarks/lighthouse.py
