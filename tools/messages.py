"""Keep the helper's message catalogs in step with its code (Babel, the standard gettext tooling).

    python tools/messages.py update   # collect every _("...") / N_("...") in open_models/ into the
                                      # .pot, merge it into each language's .po, compile the .mo
    python tools/messages.py check    # list what is untranslated, stale or inconsistent; exit 1 if any

Translate by editing open_models/locale/<code>/LC_MESSAGES/open_models.po (any PO editor works), then
run ``update`` again: it compiles the .mo the package reads. A message marked fuzzy by the merge (its
English changed) counts as untranslated until someone checks it and removes the fuzzy flag.
"""

from __future__ import annotations

import io
import re
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "open_models"
LOCALE = PACKAGE / "locale"
TEMPLATE = LOCALE / "open_models.pot"
KEYWORDS = {"_": None, "N_": None, "n_": (1, 2), "in_context": ((1, "c"), 2)}
FIELD = re.compile(r"\{([^{}:!]*)[^{}]*\}")


def catalogs() -> dict[str, Path]:
    """Each language's .po file, by its catalog code (zh_CN, ...)."""
    return {po.parent.parent.name: po for po in sorted(LOCALE.glob("*/LC_MESSAGES/open_models.po"))}


def extract() -> Catalog:
    """Every marked message in the package's code, with where it is used."""
    template = Catalog(project="open-models-course", domain="open_models", charset="utf-8")
    found = extract_from_dir(str(PACKAGE), method_map=[("**.py", "python")], keywords=KEYWORDS,
                             comment_tags=("Translators:",))
    for filename, lineno, message, comments, context in found:
        template.add(message, None, [(f"open_models/{filename}", lineno)], auto_comments=comments, context=context)
    return template


def read(path: Path) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle)


def compiled(catalog: Catalog) -> bytes:
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    return buffer.getvalue()


def update() -> None:
    template = extract()
    with TEMPLATE.open("wb") as handle:
        write_po(handle, template, width=100, omit_header=False)
    for code, po in catalogs().items():
        catalog = read(po)
        catalog.update(template, update_header_comment=False)
        with po.open("wb") as handle:
            write_po(handle, catalog, width=100, ignore_obsolete=True)
        po.with_suffix(".mo").write_bytes(compiled(read(po)))
        print(f"{code}: {len(template)} messages; {len(problems(code))} problem(s)")


def fields(text: str | tuple) -> set[str]:
    """The named placeholders of a message (both forms of a plural one)."""
    texts = text if isinstance(text, tuple) else (text,)
    return {f for t in texts for f in FIELD.findall(t.replace("{{", "").replace("}}", ""))}


def problems(code: str) -> list[str]:
    """What is wrong with one language's catalog: untranslated, fuzzy, unused, placeholder or .mo drift."""
    po = catalogs()[code]
    catalog, wanted = read(po), {m.id for m in extract() if m.id}
    found = []
    for message in catalog:
        if not message.id:
            continue
        if message.id not in wanted:
            found.append(f"not used in the code any more: {message.id!r}")
        elif not all(message.string if isinstance(message.string, tuple) else [message.string]):
            found.append(f"untranslated: {message.id!r}")
        elif message.fuzzy:
            found.append(f"fuzzy (its English changed; check and unflag): {message.id!r}")
        elif fields(message.id) != fields(message.string):
            found.append(f"placeholders differ: {message.id!r} has {sorted(fields(message.id))}, "
                         f"the translation {sorted(fields(message.string))}")
    missing = wanted - {m.id for m in catalog}
    found += [f"missing from {po.name}: {m!r}" for m in sorted(missing)]
    mo = po.with_suffix(".mo")
    if not mo.exists() or mo.read_bytes() != compiled(catalog):
        found.append(f"{mo.relative_to(ROOT)} is not the compiled {po.name}: run python tools/messages.py update")
    return found


def main(argv: list[str]) -> int:
    if argv[1:] == ["update"]:
        update()
        return 0
    if argv[1:] == ["check"]:
        found = [f"{code}: {p}" for code in catalogs() for p in problems(code)]
        print("\n".join(found) or "Every message is translated.")
        return 1 if found else 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
