"""Read one entity element into an `Entity`, checking it against `schema.py`.

The checks are those `lxml.etree.XMLSchema` makes with the official XSDs:
content models, simple-type values (`datatypes.py`), attributes including
xsi:type and xsi:nil, and text only where text may be. But every problem
carries the file, line, element and alias and says how to fix it, and all
problems are collected instead of stopping at the first.

A few repository rules stricter than the XSDs are reported here too, under
their own ids (never schema.*): alias.empty, value.empty (a blank TITLE, ...),
xsi.type_unsupported and image.type_content.
"""

from __future__ import annotations

from typing import Any

from lxml import etree

from .datatypes import ANY_TYPE, SIMPLE_TYPES, XML_SPACE, XS, is_boolean, value_ok, xsi_type
from .schema import (
    ATTRIBUTE_MODELS,
    ATTRIBUTE_TYPES,
    CHECKSUM_METHODS,
    CHECKSUM_RE,
    ELEMENT_ATTRIBUTE_KIND,
    ENTITIES,
    FILE_OF_KIND,
    LOCAL_TYPES,
    XSI_ATTRIBUTES,
    XSI_NIL,
    XSI_NS,
    XSI_TYPE,
    BundleFile,
    Child,
    Choice,
)
from .types import Attribute, Entity, FileEntry, Problem, Ref

_OBJECT_ATTRIBUTES = frozenset({"alias", "accession"})  # bp:ObjectType and bp:ReferenceType
_FILE_ATTRIBUTES = frozenset({"filename", "checksum_method", "checksum", "unencrypted_checksum", "filetype"})
_STRING = XS + "string"
_UNCHECKED = ""  # value type when xsi:nil or xsi:type is wrong: reported once, the value is not checked


class Context:
    """Where we are: used to stamp every problem. `schema` is the bundle file whose XSD applies."""

    __slots__ = ("file", "alias", "problems", "schema")

    def __init__(self, file: str, alias: str, problems: list[Problem], schema: str) -> None:
        self.file, self.alias, self.problems, self.schema = file, alias, problems, schema

    def add(self, rule: str, el: etree._Element, message: str, *, element: str | None = None,
            severity: str = "error") -> None:
        self.problems.append(Problem(rule=rule, message=message, file=self.file, line=el.sourceline or 0,
                                     element=element or _name(el), alias=self.alias,
                                     severity=severity))  # type: ignore[arg-type]


def _name(el: etree._Element) -> str:
    return el.tag if isinstance(el.tag, str) else str(el.tag)


def _elements(el: etree._Element) -> list[etree._Element]:
    return list(el.iterchildren(etree.Element))  # elements only (not comments), filtered in C


def _shown(value: str) -> str:
    """A value as quoted in a message: long ones are cut (a 5,000-digit number reads badly)."""
    return repr(value if len(value) <= 60 else value[:57] + "...")


def _attr_name(name: str) -> str:
    return "xsi:" + name[len(XSI_NS) + 2:] if name.startswith(f"{{{XSI_NS}}}") else name


# -- one element: attributes, xsi:type, xsi:nil, content -----------------------------------------


def _open(el: etree._Element, ctx: Context, declared: str | None, *, nillable: bool = False,
          allowed: frozenset[str] | None = frozenset()) -> tuple[bool, str | None]:
    """Check the attributes of `el` (`allowed`, None = any); return (is nil, type to check a value with)."""
    names = el.keys()
    if not names:
        return False, declared  # most elements: nothing to check
    if allowed is not None:
        for name in names:
            if name not in allowed and name not in XSI_ATTRIBUTES:
                ctx.add("schema.unexpected", el, f"attribute {_attr_name(name)!r} is not allowed on "
                                                 f"<{_name(el)}>; remove it.")
    value_type = declared
    if (named := el.get(XSI_TYPE)) is not None:
        judged = xsi_type(named, el.nsmap, declared, ctx.schema, LOCAL_TYPES[ctx.schema])
        if judged.verdict == "invalid":
            ctx.add("schema.type", el, f"xsi:type={_shown(named)} is not the type of <{_name(el)}> or a type "
                                       "derived from it in the MetaFleX XSDs; remove the xsi:type attribute.")
        elif judged.verdict == "unsupported":
            ctx.add("xsi.type_unsupported", el, f"xsi:type={_shown(named)} is allowed here by the XSDs, but "
                                                f"the repository reads <{_name(el)}> only as its declared "
                                                "type; remove the xsi:type attribute.")
        value_type = judged.name if judged.verdict == "ok" else _UNCHECKED
    nil = el.get(XSI_NIL)
    if nil is None:
        return False, value_type
    if not nillable:
        ctx.add("schema.nil", el, f"<{_name(el)}> may not be nil; give it a value instead of xsi:nil.")
        return False, _UNCHECKED
    if (flag := is_boolean(nil)) is None:
        ctx.add("schema.nil", el, f"xsi:nil={_shown(nil)} is not a boolean; write xsi:nil=\"true\" "
                                  "(or leave it out).")
        return False, _UNCHECKED
    if flag and (_elements(el) or el.text or any(c.tail for c in el)):
        ctx.add("schema.nil", el, f"<{_name(el)}> is xsi:nil=\"true\" but has content (even spaces count); "
                                  "remove the content or the xsi:nil attribute.")
    return flag, value_type


def stray_text(text: str | None, where: etree._Element, parent: str, ctx: Context) -> None:
    """Report text (other than XML whitespace) where <parent> may hold only elements."""
    if text and text.strip(XML_SPACE):
        ctx.add("schema.unexpected", where, f"text {_shown(text.strip())} is not allowed in <{parent}>, which "
                                            "holds only elements; remove it (or move it into an element).",
                element=parent)


def _element_only(el: etree._Element, ctx: Context) -> None:
    if (text := el.text) and text.strip(XML_SPACE):
        stray_text(text, el, _name(el), ctx)
    for child in el:
        if (tail := child.tail) and tail.strip(XML_SPACE):
            stray_text(tail, child, _name(el), ctx)


def _empty(el: etree._Element, ctx: Context) -> None:
    """bp:ReferenceType and the FILE types have no content at all: not even whitespace."""
    for child in _elements(el):
        ctx.add("schema.unexpected", child, f"<{_name(child)}> is not allowed in <{_name(el)}>, which must be "
                                            "empty; remove it.")
    if el.text or any(child.tail for child in el):
        ctx.add("schema.unexpected", el, f"<{_name(el)}> must be empty (no text, not even spaces or line "
                                         f"breaks); write it as <{_name(el)} .../>.")


def _simple(el: etree._Element, ctx: Context) -> str:
    """The text of a simple-typed element (comments and PIs do not split it)."""
    if not len(el):
        return el.text or ""
    for child in _elements(el):
        ctx.add("schema.unexpected", child, f"<{_name(el)}> holds text only; remove the <{_name(child)}> element.")
    return (el.text or "") + "".join(c.tail or "" for c in el if not isinstance(c.tag, str))


def check_set_element(el: etree._Element, bundle_file: BundleFile, file: str, problems: list[Problem]) -> Context:
    """Check a *_SET root's own attributes; returns the context for its text checks."""
    ctx = Context(file, "", problems, bundle_file.name)
    _open(el, ctx, bundle_file.set_type)
    return ctx


# -- content-model matching ----------------------------------------------------------------------


def match_sequence(parent: etree._Element, model: tuple[Child | Choice, ...], ctx: Context
                   ) -> list[tuple[Child, list[etree._Element]]]:
    """Assign child elements to the model in order; report order, count and missing problems."""
    index_of, expected = _model_index(model)
    buckets: list[list[etree._Element]] = [[] for _ in model]
    position = 0
    for el in parent.iterchildren(etree.Element):
        name = el.tag
        i = index_of.get(name)
        if i is None:
            ctx.add("schema.unexpected", el, f"<{name}> is not allowed in <{_name(parent)}> "
                                             f"(allowed, in order: {expected}); remove or rename it.")
            continue
        if i < position:
            ctx.add("schema.order", el, f"<{name}> is out of order in <{_name(parent)}>; "
                                        f"the order must be: {expected}.")
        else:
            position = i
        buckets[i].append(el)

    result: list[tuple[Child, list[etree._Element]]] = []
    for particle, els in zip(model, buckets, strict=True):
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


def _match_choice(parent: etree._Element, choice: Choice, els: list[etree._Element], ctx: Context
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


def _alias(el: etree._Element, ctx: Context, what: str) -> str | None:
    alias = el.get("alias")
    if alias is None:
        ctx.add("schema.required", el, f"<{_name(el)}> is missing the required alias=\"...\" attribute; add "
                                       f"one {what}.")
        return None
    if not alias.strip():
        ctx.add("alias.empty", el, f"<{_name(el)}> has an empty alias; the repository needs one {what}.")
        return None
    return alias


def read_ref(el: etree._Element, child: Child, ctx: Context) -> Ref | None:
    _open(el, ctx, child.declared_type, allowed=_OBJECT_ATTRIBUTES)
    _empty(el, ctx)
    alias = _alias(el, ctx, f"naming the {'/'.join(child.targets)} it refers to")
    return None if alias is None else Ref(kind=child.targets[0], alias=alias, accession=el.get("accession"))


FILES_TO_FILL = "image.files_to_fill"


def read_files(el: etree._Element, child: Child, ctx: Context, *, to_fill: bool = False) -> list[FileEntry]:
    """The FILE entries. `to_fill`: an empty element is not a schema error but the warning FILES_TO_FILL
    (the validator then lists the files of the entity's folder, `files.FileChecker.fill`)."""
    _open(el, ctx, child.declared_type)
    _element_only(el, ctx)
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
    listed = sum(_name(i) == child.file_element for i in items)
    if to_fill and not items:
        ctx.add(FILES_TO_FILL, el, f"<{child.name}> lists no <{child.file_element}>; the files of the "
                                   "entity's folder are converted and listed.", severity="warning")
    elif not listed:
        ctx.add("schema.required", el, f"<{child.name}> must list at least one <{child.file_element}>; "
                                       "add the files or remove the empty element.")
    if child.max_files is not None and listed > child.max_files:
        ctx.add("schema.occurs", el, f"<{child.name}> may list at most {child.max_files} files; "
                                     "remove the extra ones.")
    return files


def read_file(el: etree._Element, child: Child, ctx: Context) -> FileEntry | None:
    _open(el, ctx, child.file_type, allowed=_FILE_ATTRIBUTES)
    _empty(el, ctx)
    ok = True
    for required in ("filename", "checksum_method", "checksum", "filetype"):
        if el.get(required) is None:
            ctx.add("schema.required", el, f"<{child.file_element}> is missing the required "
                                           f"{required}=\"...\" attribute; add it.")
            ok = False
    method, filetype = el.get("checksum_method"), el.get("filetype")
    if method is not None and method not in CHECKSUM_METHODS:
        ctx.add("schema.enumeration", el, f"checksum_method {_shown(method)} is not allowed; use \"SHA256\".")
    if filetype is not None and filetype not in child.filetypes:
        ctx.add("schema.enumeration", el, f"filetype {_shown(filetype)} is not allowed here; "
                                          f"use one of: {', '.join(child.filetypes)}.")
    for attr in ("checksum", "unencrypted_checksum"):
        value = el.get(attr)
        if value is not None and not CHECKSUM_RE.match(value):
            ctx.add("schema.pattern", el, f"{attr} {_shown(value)} is not a SHA256 checksum; give 64 lower-case "
                                          "hexadecimal digits (e.g. from `sha256sum`).")
    if not ok:
        return None
    return FileEntry(filename=el.get("filename", ""), checksum_method=method or "",
                     checksum=el.get("checksum", ""), filetype=filetype or "",
                     unencrypted_checksum=el.get("unencrypted_checksum"), line=el.sourceline or 0)


def read_attributes(el: etree._Element, ctx: Context, *, code_only: bool = False) -> list[Attribute]:
    """Read the children of an AttributesType (or CodeAttributesType) element."""
    _element_only(el, ctx)
    attributes: list[Attribute] = []
    items = _elements(el)
    for item in items:
        kind = ELEMENT_ATTRIBUTE_KIND.get(_name(item))
        if kind is None or (code_only and kind != "code"):
            allowed = "CODE_ATTRIBUTE" if code_only else ", ".join(ELEMENT_ATTRIBUTE_KIND)
            ctx.add("schema.unexpected", item, f"<{_name(item)}> is not allowed in <{_name(el)}>; "
                                               f"use {allowed}.")
            continue
        attribute = read_attribute(item, kind, ctx)
        if attribute is not None:
            attributes.append(attribute)
    if code_only and not any(_name(i) == "CODE_ATTRIBUTE" for i in items):
        ctx.add("schema.required", el, f"<{_name(el)}> needs at least one CODE_ATTRIBUTE, or "
                                       "xsi:nil=\"true\" when there are none.")
    return attributes


def read_attribute(el: etree._Element, kind: str, ctx: Context) -> Attribute | None:
    _open(el, ctx, ATTRIBUTE_TYPES[kind])
    _element_only(el, ctx)
    parts = {c.name: (c, els) for c, els in match_sequence(el, ATTRIBUTE_MODELS[kind], ctx) if els}
    if "TAG" not in parts or "VALUE" not in parts:
        return None
    tag = read_value(parts["TAG"][1][0], parts["TAG"][0], ctx)
    units = read_value(parts["UNITS"][1][0], parts["UNITS"][0], ctx) if "UNITS" in parts else None
    value_child, (value_el, *_) = parts["VALUE"]
    value = read_value(value_el, value_child, ctx, label=tag)
    if value is None:
        return Attribute(kind=kind, tag=tag, value=None, units=units, nil=True)  # type: ignore[arg-type]
    if kind == "code":
        if not all(k in value for k in ("CODE", "SCHEME", "MEANING", "SCHEME_VERSION")):
            return None
        value = {"code": value["CODE"], "scheme": value["SCHEME"], "meaning": value["MEANING"],
                 "scheme_version": value["SCHEME_VERSION"]}
    return Attribute(kind=kind, tag=tag, value=value, units=units)  # type: ignore[arg-type]


def _read_image_type(el: etree._Element, child: Child, ctx: Context) -> str | None:
    _element_only(el, ctx)
    options = _elements(el)
    names = [_name(o) for o in options]
    if len(options) != 1 or names[0] not in child.enum:
        ctx.add("schema.enumeration", el, f"<{child.name}> must contain exactly one of "
                                          f"{', '.join(f'<{e}/>' for e in child.enum)}; found "
                                          f"{', '.join(f'<{n}>' for n in names) or 'nothing'}.")
    for option, name in zip(options, names, strict=True):
        if name in child.enum:
            _open(option, ctx, ANY_TYPE, allowed=None)  # xs:anyType: any attribute, any content
            if _elements(option):
                ctx.add("image.type_content", option, f"<{name}> names the image type and must be empty; "
                                                      f"the repository does not read elements inside it. "
                                                      f"Write <{name}/>.")
    return names[0] if len(options) == 1 else None


def read_value(el: etree._Element, child: Child, ctx: Context, *, label: str | None = None) -> Any:
    """Read a non-ref, non-file child into its `fields` value (None when nil)."""
    nil, value_type = _open(el, ctx, child.declared_type, nillable=child.nillable)
    if nil:
        return None
    if child.type in ("attributes", "code_attributes"):
        return read_attributes(el, ctx, code_only=child.type == "code_attributes")
    if child.type in ("complex", "code"):
        _element_only(el, ctx)
        return read_complex(el, child.children, ctx)
    if child.type == "tagchoice":
        return _read_image_type(el, child, ctx)
    text = _simple(el, ctx)
    if value_type == _UNCHECKED or value_type == _STRING and not child.nonempty:
        return text
    if value_type is None:  # an anonymous enumeration of xs:string: no whitespace is trimmed
        if text not in child.enum:
            ctx.add("schema.enumeration", el, f"{_shown(text)} is not allowed in <{child.name}>; use one of: "
                                              f"{', '.join(repr(e) for e in child.enum)}.")
    elif not value_ok(value_type, text):
        hint = SIMPLE_TYPES[value_type].hint
        if child.type == "decimal":
            nil_hint = ", or use xsi:nil=\"true\"" if child.nillable else ""
            message = f"{label or child.name}: {_shown(text)} is not {hint} (ASCII digits, no units or exponent)"
            ctx.add("schema.pattern", el, f"{message}; correct it{nil_hint}.")
        else:
            ctx.add("schema.pattern", el, f"{_shown(text)} is not a valid <{child.name}>; expected {hint}.")
    elif child.nonempty and not text.strip():
        ctx.add("value.empty", el, f"<{child.name}> is empty; the repository needs it filled in.")
    return text.strip(XML_SPACE) if child.type == "decimal" else text


def read_complex(el: etree._Element, model: tuple[Child | Choice, ...], ctx: Context) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for child, els in match_sequence(el, model, ctx):
        if not els:
            continue
        values = [read_value(e, child, ctx) for e in els]
        out[child.name] = values if child.max != 1 else values[0]
    return out


def read_entity(el: etree._Element, kind: str, file: str, problems: list[Problem], *,
                files_to_fill: bool = False) -> Entity | None:
    """Turn one entity element into an Entity; append structural problems to `problems`.

    `files_to_fill`: an IMAGE's empty FILES is the warning FILES_TO_FILL, not a schema error (`read_files`).
    """
    spec = ENTITIES[kind]
    ctx = Context(file, el.get("alias") or "", problems, FILE_OF_KIND[kind].name)
    _open(el, ctx, spec.xsd_type, allowed=_OBJECT_ATTRIBUTES)
    _element_only(el, ctx)
    _alias(el, ctx, "that is unique within the dataset")
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
            files = read_files(els[0], child, ctx, to_fill=files_to_fill and kind == "image")
        elif child.name == "ATTRIBUTES":
            attributes = read_value(els[0], child, ctx)
        else:
            values = [read_value(e, child, ctx) for e in els]
            fields[child.name] = values if child.max != 1 else values[0]
    return Entity(kind=kind, alias=el.get("alias") or "", accession=el.get("accession"), fields=fields,
                  refs=refs, attributes=attributes, files=files, source_file=file, line=el.sourceline or 0)
