"""Read one entity element into an `Entity`, checking it against `schema.py`.

The checks mirror what an XSD validator would report, but every problem
carries the file, line, element and alias and says how to fix it, and all
problems are collected instead of stopping at the first.
"""

from __future__ import annotations

from typing import Any

from lxml import etree

from .schema import (
    CHECKSUM_METHODS,
    CHECKSUM_RE,
    DECIMAL_RE,
    ELEMENT_ATTRIBUTE_KIND,
    ENTITIES,
    INT_RE,
    XSI_NIL,
    Child,
    Choice,
)
from .types import Attribute, Entity, FileEntry, Problem, Ref


class _Ctx:
    """Where we are: used to stamp every problem."""

    __slots__ = ("file", "alias", "problems")

    def __init__(self, file: str, alias: str, problems: list[Problem]) -> None:
        self.file, self.alias, self.problems = file, alias, problems

    def add(self, rule: str, el: etree._Element, message: str, *, element: str | None = None) -> None:
        self.problems.append(Problem(rule=rule, message=message, file=self.file, line=el.sourceline or 0,
                                     element=element or _name(el), alias=self.alias))


def _name(el: etree._Element) -> str:
    return el.tag if isinstance(el.tag, str) else str(el.tag)


def _elements(el: etree._Element) -> list[etree._Element]:
    return [c for c in el if isinstance(c.tag, str)]


def _is_nil(el: etree._Element) -> bool:
    return el.get(XSI_NIL, "").strip() in ("true", "1")


def _check_attrs(el: etree._Element, allowed: set[str], ctx: _Ctx) -> None:
    for name in el.attrib:
        if name not in allowed and name != XSI_NIL:
            ctx.add("schema.unexpected", el, f"attribute {name!r} is not allowed on {_name(el)}; remove it.")


def _nil(el: etree._Element, nillable: bool, ctx: _Ctx) -> bool:
    """True if the element is (validly or not) nil; reports nil misuse."""
    if XSI_NIL not in el.attrib:
        return False
    if not nillable:
        ctx.add("schema.nil", el, f"{_name(el)} may not be nil; give it a value instead of xsi:nil.")
        return False
    if not _is_nil(el):
        return False
    if _elements(el) or (el.text or "").strip():
        ctx.add("schema.nil", el, f"{_name(el)} is xsi:nil=\"true\" but has content; remove the content "
                                  "or the xsi:nil attribute.")
    return True


def _text(el: etree._Element, ctx: _Ctx) -> str:
    for child in _elements(el):
        ctx.add("schema.unexpected", child, f"{_name(el)} holds text only; remove the <{_name(child)}> element.")
    return el.text or ""


# -- content-model matching ----------------------------------------------------------------------


def match_sequence(parent: etree._Element, model: tuple[Child | Choice, ...], ctx: _Ctx
                   ) -> list[tuple[Child, list[etree._Element]]]:
    """Assign child elements to the model in order; report order, count and missing problems."""
    slots: list[tuple[Child | Choice, list[etree._Element]]] = [(p, []) for p in model]
    index_of, expected = _model_index(model)
    position = 0
    for el in _elements(parent):
        name = _name(el)
        i = index_of.get(name)
        if i is None:
            ctx.add("schema.unexpected", el, f"<{name}> is not allowed in <{_name(parent)}> "
                                             f"(allowed, in order: {expected}); remove or rename it.")
            continue
        if i < position:
            ctx.add("schema.order", el, f"<{name}> is out of order in <{_name(parent)}>; "
                                        f"the order must be: {expected}.")
        position = max(position, i)
        slots[i][1].append(el)

    result: list[tuple[Child, list[etree._Element]]] = []
    for particle, els in slots:
        if isinstance(particle, Choice):
            result.extend(_match_choice(parent, particle, els, ctx))
            continue
        if len(els) < particle.min:
            ctx.add("schema.required", parent, f"<{_name(parent)}> is missing the required <{particle.name}> "
                                               "element; add it.", element=particle.name)
        if particle.max is not None and len(els) > particle.max:
            ctx.add("schema.occurs", els[particle.max], f"<{particle.name}> may appear at most "
                                                         f"{particle.max} time(s) in <{_name(parent)}>; "
                                                         "remove the extra ones.")
            els = els[: particle.max]
        result.append((particle, els))
    return result


_MODEL_INDEX: dict[int, tuple[tuple[Child | Choice, ...], dict[str, int], str]] = {}


def _model_index(model: tuple[Child | Choice, ...]) -> tuple[dict[str, int], str]:
    """Element name -> particle position, and the human list of the order (cached: models are constants)."""
    cached = _MODEL_INDEX.get(id(model))
    if cached is None or cached[0] is not model:
        index_of: dict[str, int] = {}
        for i, particle in enumerate(model):
            for name in (particle.names if isinstance(particle, Choice) else (particle.name,)):
                index_of[name] = i
        cached = (model, index_of, ", ".join(_particle_label(p) for p in model))
        _MODEL_INDEX[id(model)] = cached
    return cached[1], cached[2]


def _particle_label(p: Child | Choice) -> str:
    return "(" + " | ".join(p.names) + ")" if isinstance(p, Choice) else p.name


def _match_choice(parent: etree._Element, choice: Choice, els: list[etree._Element], ctx: _Ctx
                  ) -> list[tuple[Child, list[etree._Element]]]:
    by_option = {o.name: o for o in choice.options}
    used = list(dict.fromkeys(_name(e) for e in els))
    if not els:
        if choice.min:
            ctx.add(choice.rule, parent, f"<{_name(parent)}> needs {choice.description}; add one.",
                    element=_name(parent))
        return []
    if len(used) > 1:
        ctx.add(choice.rule, els[0], f"<{_name(parent)}> must have {choice.description}, but has "
                                     f"{', '.join(used)}; keep only one.", element=_name(parent))
    option = by_option[used[0]]
    chosen = [e for e in els if _name(e) == option.name]
    if option.max is not None and len(chosen) > option.max:
        ctx.add(choice.rule, chosen[option.max], f"<{_name(parent)}> must have {choice.description}, "
                                                 f"but has {len(chosen)} <{option.name}>; keep only one.",
                element=_name(parent))
        chosen = chosen[: option.max]
    return [(option, chosen)]


# -- element readers -----------------------------------------------------------------------------


def read_ref(el: etree._Element, child: Child, ctx: _Ctx) -> Ref | None:
    _check_attrs(el, {"alias", "accession"}, ctx)
    _text(el, ctx)
    alias = el.get("alias")
    if alias is None or not alias.strip():
        ctx.add("schema.required", el, f"<{child.name}> needs a non-empty alias=\"...\" naming the "
                                       f"{'/'.join(child.targets)} it refers to.")
        return None
    return Ref(kind=child.targets[0], alias=alias, accession=el.get("accession"))


def read_files(el: etree._Element, child: Child, ctx: _Ctx) -> list[FileEntry]:
    _check_attrs(el, set(), ctx)
    files: list[FileEntry] = []
    items = _elements(el)
    for item in items:
        if _name(item) != child.file_element:
            ctx.add("schema.unexpected", item, f"<{_name(item)}> is not allowed in <{child.name}>; "
                                               f"use <{child.file_element}>.")
            continue
        entry = read_file(item, child, ctx)
        if entry is not None:
            files.append(entry)
    if not any(_name(i) == child.file_element for i in items):
        ctx.add("schema.required", el, f"<{child.name}> must list at least one <{child.file_element}>; "
                                       "add the files or remove the empty element.")
    if child.max_files is not None and len(files) > child.max_files:
        ctx.add("schema.occurs", el, f"<{child.name}> may list at most {child.max_files} files; "
                                     "remove the extra ones.")
    return files


def read_file(el: etree._Element, child: Child, ctx: _Ctx) -> FileEntry | None:
    names = ("filename", "checksum_method", "checksum", "unencrypted_checksum", "filetype")
    _check_attrs(el, set(names), ctx)
    _text(el, ctx)
    ok = True
    for required in ("filename", "checksum_method", "checksum", "filetype"):
        if el.get(required) is None:
            ctx.add("schema.required", el, f"<{child.file_element}> is missing the required "
                                           f"{required}=\"...\" attribute; add it.")
            ok = False
    method, filetype = el.get("checksum_method"), el.get("filetype")
    if method is not None and method not in CHECKSUM_METHODS:
        ctx.add("schema.enumeration", el, f"checksum_method {method!r} is not allowed; use \"SHA256\".")
    if filetype is not None and filetype not in child.filetypes:
        ctx.add("schema.enumeration", el, f"filetype {filetype!r} is not allowed here; "
                                          f"use one of: {', '.join(child.filetypes)}.")
    for attr in ("checksum", "unencrypted_checksum"):
        value = el.get(attr)
        if value is not None and not CHECKSUM_RE.match(value):
            ctx.add("schema.pattern", el, f"{attr} {value!r} is not a SHA256 checksum; give 64 lower-case "
                                          "hexadecimal digits (e.g. from `sha256sum`).")
    if not ok:
        return None
    return FileEntry(filename=el.get("filename", ""), checksum_method=method or "",
                     checksum=el.get("checksum", ""), filetype=filetype or "",
                     unencrypted_checksum=el.get("unencrypted_checksum"), line=el.sourceline or 0)


def read_attributes(el: etree._Element, ctx: _Ctx, *, code_only: bool = False) -> list[Attribute]:
    """Read an AttributesType (or CodeAttributesType) element's children."""
    _check_attrs(el, set(), ctx)
    attributes: list[Attribute] = []
    for item in _elements(el):
        kind = ELEMENT_ATTRIBUTE_KIND.get(_name(item))
        if kind is None or (code_only and kind != "code"):
            allowed = "CODE_ATTRIBUTE" if code_only else ", ".join(ELEMENT_ATTRIBUTE_KIND)
            ctx.add("schema.unexpected", item, f"<{_name(item)}> is not allowed in <{_name(el)}>; "
                                               f"use {allowed}.")
            continue
        attribute = read_attribute(item, kind, ctx)
        if attribute is not None:
            attributes.append(attribute)
    if code_only and not attributes:
        ctx.add("schema.required", el, f"<{_name(el)}> needs at least one CODE_ATTRIBUTE, or "
                                       "xsi:nil=\"true\" when there are none.")
    return attributes


_ATTRIBUTE_MODELS = {
    "string": (Child("TAG", "text"), Child("VALUE", "text", nillable=True)),
    "numeric": (Child("TAG", "text"), Child("VALUE", "text", nillable=True)),
    "measurement": (Child("TAG", "text"), Child("VALUE", "text", nillable=True), Child("UNITS", "text")),
    "code": (Child("TAG", "text"), Child("VALUE", "text", nillable=True)),
    "set": (Child("TAG", "text"), Child("VALUE", "text", nillable=True)),
}
_CODE_MODEL = (Child("CODE", "text"), Child("SCHEME", "text"), Child("MEANING", "text"),
               Child("SCHEME_VERSION", "text", nillable=True))


def read_attribute(el: etree._Element, kind: str, ctx: _Ctx) -> Attribute | None:
    _check_attrs(el, set(), ctx)
    parts = {c.name: els for c, els in match_sequence(el, _ATTRIBUTE_MODELS[kind], ctx)}
    if not parts.get("TAG") or not parts.get("VALUE"):
        return None
    tag = _text(parts["TAG"][0], ctx)
    value_el = parts["VALUE"][0]
    units = _text(parts["UNITS"][0], ctx) if parts.get("UNITS") else None
    if _nil(value_el, True, ctx):
        return Attribute(kind=kind, tag=tag, value=None, units=units, nil=True)  # type: ignore[arg-type]
    value: Any
    if kind == "string":
        value = _text(value_el, ctx)
    elif kind in ("numeric", "measurement"):
        value = _text(value_el, ctx).strip()  # xs:decimal collapses whitespace
        if not DECIMAL_RE.match(value):
            ctx.add("schema.pattern", value_el, f"{tag}: {value!r} is not a decimal number; write it like "
                                                "12 or 0.25 (no units, no exponent), or use xsi:nil=\"true\".")
    elif kind == "code":
        code = {c.name: els for c, els in match_sequence(value_el, _CODE_MODEL, ctx)}
        if not all(code.get(k) for k in ("CODE", "SCHEME", "MEANING", "SCHEME_VERSION")):
            return None
        version_el = code["SCHEME_VERSION"][0]
        value = {"code": _text(code["CODE"][0], ctx), "scheme": _text(code["SCHEME"][0], ctx),
                 "meaning": _text(code["MEANING"][0], ctx),
                 "scheme_version": None if _nil(version_el, True, ctx) else _text(version_el, ctx)}
    else:
        value = read_attributes(value_el, ctx)
    return Attribute(kind=kind, tag=tag, value=value, units=units)  # type: ignore[arg-type]


def read_value(el: etree._Element, child: Child, ctx: _Ctx) -> Any:
    """Read a non-ref, non-file child into its `fields` value."""
    if child.type in ("attributes", "code_attributes"):
        if _nil(el, child.nillable, ctx):
            return None
        return read_attributes(el, ctx, code_only=child.type == "code_attributes")
    if child.type == "complex":
        _check_attrs(el, set(), ctx)
        return read_complex(el, child.children, ctx)
    if child.type == "tagchoice":
        _check_attrs(el, set(), ctx)
        options = _elements(el)
        names = [_name(o) for o in options]
        if len(options) != 1 or names[0] not in child.enum:
            ctx.add("schema.enumeration", el, f"<{child.name}> must contain exactly one of "
                                              f"{', '.join(f'<{e}/>' for e in child.enum)}; found "
                                              f"{', '.join(f'<{n}>' for n in names) or 'nothing'}.")
            return names[0] if len(options) == 1 else None
        return names[0]
    _check_attrs(el, set(), ctx)
    if _nil(el, child.nillable, ctx):
        return None
    text = _text(el, ctx)
    if XSI_NIL in el.attrib:  # misused nil, already reported
        return text
    if child.type == "enum" and text not in child.enum:
        ctx.add("schema.enumeration", el, f"{text!r} is not allowed in <{child.name}>; use one of: "
                                          f"{', '.join(repr(e) for e in child.enum)}.")
    elif child.type == "pattern" and child.pattern and not child.pattern.match(text):
        ctx.add("schema.pattern", el, f"{text!r} is not a valid <{child.name}>; expected {child.pattern_hint}.")
    elif child.type == "int" and not (INT_RE.match(text.strip()) and -2**31 <= int(text.strip()) < 2**31):
        ctx.add("schema.pattern", el, f"{text!r} is not an integer; <{child.name}> must be a number "
                                      "such as 999999999.")
    elif child.type == "text" and not child.nillable and child.min and not text.strip():
        ctx.add("schema.required", el, f"<{child.name}> is empty; fill it in.")
    return text


def read_complex(el: etree._Element, model: tuple[Child | Choice, ...], ctx: _Ctx) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for child, els in match_sequence(el, model, ctx):
        if not els:
            continue
        values = [read_value(e, child, ctx) for e in els]
        out[child.name] = values if child.max != 1 else values[0]
    return out


def read_entity(el: etree._Element, kind: str, file: str, problems: list[Problem]) -> Entity | None:
    """Turn one entity element into an Entity; append structural problems to `problems`."""
    spec = ENTITIES[kind]
    alias = el.get("alias") or ""
    ctx = _Ctx(file, alias, problems)
    _check_attrs(el, {"alias", "accession"}, ctx)
    if not alias.strip():
        ctx.add("schema.required", el, f"<{spec.element}> needs a non-empty alias=\"...\" that is unique "
                                       "within the dataset; add one.")
    fields: dict[str, Any] = {}
    refs: dict[str, list[Ref]] = {}
    files: list[FileEntry] = []
    attributes: list[Attribute] | None = []
    for child, els in match_sequence(el, spec.children, ctx):
        if not els:
            continue
        if child.type == "ref":
            found = [r for r in (read_ref(e, child, ctx) for e in els) if r is not None]
            if found:
                refs[child.name] = found
        elif child.type == "files":
            files = read_files(els[0], child, ctx)
        elif child.name == "ATTRIBUTES":
            attributes = read_value(els[0], child, ctx)
        else:
            values = [read_value(e, child, ctx) for e in els]
            fields[child.name] = values if child.max != 1 else values[0]
    return Entity(kind=kind, alias=alias, accession=el.get("accession"), fields=fields, refs=refs,
                  attributes=attributes, files=files, source_file=file, line=el.sourceline or 0)
