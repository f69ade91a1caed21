"""Every label reaches the catalogue. xgettext (makemessages) reads a gettext call's argument only
when it is a plain string literal, and does not look inside f-strings at all, so a label is lost
in three ways: a gettext call inside an f-string's braces, an f-string as the argument of a
gettext call, and any other argument that is not a literal (a name, `+`, `.format`, `%`).
The check reads each module's syntax tree (ast), so line breaks and nesting do not hide one."""

import ast
from pathlib import Path

import pytest

import mokesta

# The translation functions and which of their positional arguments are messages (the others
# are the count of the n-forms).
MESSAGE_ARGUMENTS = {
    "gettext": (0,),
    "gettext_lazy": (0,),
    "gettext_noop": (0,),
    "ngettext": (0, 1),
    "ngettext_lazy": (0, 1),
    "pgettext": (0, 1),
    "pgettext_lazy": (0, 1),
    "npgettext": (0, 1, 2),
    "npgettext_lazy": (0, 1, 2),
}
TRANSLATION_MODULE = "django.utils.translation"

# Calls that look a message up at run time on purpose, by module and call: the message is in
# another catalogue (Django's own permission names), not one of ours to extract.
RUNTIME_LOOKUPS = {
    "backoffice/admin/accounts.py": {"gettext(permission.name)"},
}

CALL_IN_FSTRING = "gettext call inside an f-string"
FSTRING_ARGUMENT = "f-string as the message of a gettext call"
NOT_A_LITERAL = "message of a gettext call is not a plain string literal"


def translation_names(tree: ast.Module) -> dict[str, str]:
    """The names this module calls the translation functions by (`_` is gettext even where it
    is not imported here), each mapped to the function's own name."""
    names = {"_": "gettext", **{name: name for name in MESSAGE_ARGUMENTS}}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == TRANSLATION_MODULE:
            for alias in node.names:
                if alias.name in MESSAGE_ARGUMENTS:
                    names[alias.asname or alias.name] = alias.name
    return names


def translation_function(call: ast.Call, names: dict[str, str]) -> str | None:
    """The translation function `call` calls (`_(…)`, `gettext_lazy(…)`,
    `translation.gettext(…)`), or None."""
    if isinstance(call.func, ast.Name):
        return names.get(call.func.id)
    if isinstance(call.func, ast.Attribute) and call.func.attr in MESSAGE_ARGUMENTS:
        return call.func.attr
    return None


def gettext_problems(source: str, allowed: set[str] | None = None) -> list[tuple[int, str]]:
    """(line, problem) for each way `source` loses a label, in line order; calls whose source
    text is in `allowed` are run-time lookups on purpose."""
    tree = ast.parse(source)
    names = translation_names(tree)

    def checked(call: ast.AST) -> str | None:
        if not isinstance(call, ast.Call) or ast.get_source_segment(source, call) in (
            allowed or ()
        ):
            return None
        return translation_function(call, names)

    problems: set[tuple[int, int, str]] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):
            for inner in ast.walk(node):
                if isinstance(inner, ast.Call) and checked(inner):
                    problems.add((inner.lineno, inner.col_offset, CALL_IN_FSTRING))
        function = checked(node)
        if not isinstance(node, ast.Call) or function is None:
            continue
        messages = [node.args[i] for i in MESSAGE_ARGUMENTS[function] if i < len(node.args)]
        messages += [keyword.value for keyword in node.keywords if keyword.arg == "message"]
        for message in messages:
            if isinstance(message, ast.JoinedStr):
                problems.add((message.lineno, message.col_offset, FSTRING_ARGUMENT))
            elif not (isinstance(message, ast.Constant) and isinstance(message.value, str)):
                problems.add((message.lineno, message.col_offset, NOT_A_LITERAL))
    return [(line, problem) for line, _column, problem in sorted(problems)]


def test_no_module_loses_a_label():
    root = Path(mokesta.__file__).parent
    found = [
        f"{path.relative_to(root)}:{line}: {problem}"
        for path in sorted(root.rglob("*.py"))
        if "tests" not in path.relative_to(root).parts
        for line, problem in gettext_problems(
            path.read_text(), RUNTIME_LOOKUPS.get(path.relative_to(root).as_posix())
        )
    ]
    assert found == []


# --- the check itself, on small snippets ---------------------------------------------------


@pytest.mark.parametrize(
    "source",
    [
        "x = f\"<h2>{_('Lines')}</h2>\"",
        "x = f\"<h2>{escape(_('Lines'))}</h2>\"",
        "x = f\"{gettext_lazy('Lines')}\"",
        "x = f\"{ngettext('one', 'many', n)}\"",
        "x = f\"{pgettext('month', 'May')}\"",
        "x = f\"{translation.gettext('Lines')}\"",
        # on another line than the f-string's start, and in a format spec
        'x = (\n    f"<td>"\n    f"{_(\'Total\')}"\n)',
        "x = f\"{total:{_('width')}}\"",
    ],
)
def test_it_finds_a_gettext_call_inside_an_f_string(source):
    assert CALL_IN_FSTRING in [problem for _line, problem in gettext_problems(source)]


@pytest.mark.parametrize(
    "source",
    [
        'x = _(f"Contract {number}")',
        'x = gettext_lazy(f"Contract {number}")',
        'x = ngettext("one", f"{n} many", n)',
        'x = pgettext("invoice", f"Invoice {number}")',
        'x = npgettext("meter", "one", f"{n} meters", n)',
    ],
)
def test_it_finds_an_f_string_as_the_message(source):
    assert gettext_problems(source) == [(1, FSTRING_ARGUMENT)]


@pytest.mark.parametrize(
    "source",
    [
        "x = _(label)",
        'x = _("Contract " + number)',
        'x = _("Contract {}".format(number))',
        'x = _("Contract %s" % number)',
        'x = gettext_lazy(LABELS["due"])',
        "x = ngettext(singular, plural, n)",
        'x = pgettext(context, "May")',
        'x = gettext(message=f"{n}")',
        # an alias imported from django.utils.translation counts as gettext
        "from django.utils.translation import pgettext_lazy as p_\nx = p_('month', title)",
    ],
)
def test_it_finds_a_message_that_is_not_a_literal(source):
    problems = [problem for _line, problem in gettext_problems(source)]
    assert problems and set(problems) <= {NOT_A_LITERAL, FSTRING_ARGUMENT}


@pytest.mark.parametrize(
    "source",
    [
        'x = _("Lines")',
        'x = _("A long label " "in two parts")',  # one literal to xgettext too
        'x = _("Contract %(number)s") % {"number": number}',
        'x = ngettext("%(n)d meter", "%(n)d meters", n) % {"n": n}',
        'x = pgettext("month", "May")',
        'label = _("Total")\nx = f"<td>{label}</td>"',  # read into a name first: fine
        'x = f"{total}"',
        "x = f\"{other('Lines')}\"",
    ],
)
def test_it_accepts_what_xgettext_reads(source):
    assert gettext_problems(source) == []


def test_a_run_time_lookup_named_as_such_passes_and_only_that_call():
    source = 'x = f"{what}: {gettext(permission.name)}"\ny = gettext(other.name)\n'
    assert gettext_problems(source, {"gettext(permission.name)"}) == [(2, NOT_A_LITERAL)]


def test_it_reports_the_line():
    source = 'a = _("fine")\nb = 1\nc = f"{_(\'lost\')}"\nd = _(name)\n'
    assert gettext_problems(source) == [(3, CALL_IN_FSTRING), (4, NOT_A_LITERAL)]
