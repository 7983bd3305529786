# The package catalogue of a package set: every attribute path a pull can
# name, with its version and meta.description, for the web page's search and
# for refusing unknown names without a build. Evaluation only: nothing is
# built, and the source arrives as JSON data.
#
# Nested sets are searched as nixpkgs' own tools search them (nix-env -qa,
# Hydra): only where the set says recurseForDerivations = true. Sets that are
# not searched, and attributes that fail to evaluate, are listed under
# `opaque`: a name below them may still select a package, so it is left to
# Nix rather than refused.
#
# Result: { packages = [ { name, version, description } ]; opaque = [ path ]; }
{ source, system }:
let
  src = builtins.fromJSON source;
  entry = if src ? file && src.file != null then "${src.path}/${src.file}" else src.path;
  imported = import entry;
  pkgs =
    if builtins.isFunction imported
    then imported (builtins.intersectAttrs (builtins.functionArgs imported) { inherit system; config = { }; overlays = [ ]; })
    else imported;

  isDerivation = v: builtins.isAttrs v && (v.type or null) == "derivation";
  # A list of derivations is a meta-package to select-packages.nix.
  isPackage = v: isDerivation v || (builtins.isList v && v != [ ] && builtins.all isDerivation v);

  # A field that fails to evaluate or is not a string is left empty.
  text = f: let r = builtins.tryEval (let v = f null; in if builtins.isString v then v else ""); in if r.success then r.value else "";

  describe = path: value:
    if builtins.isList value then { name = path; version = ""; description = "meta-package of ${toString (builtins.length value)} packages"; }
    else {
      name = path;
      version = text (_: value.version or (builtins.parseDrvName (value.name or "")).version);
      description = text (_: value.meta.description or "");
    };

  # Depth is bounded: recursion is opt-in, but a set may point back at itself.
  walk = prefix: depth: set:
    builtins.concatLists (map
      (name:
        let
          path = if prefix == "" then name else "${prefix}.${name}";
          attempt = builtins.tryEval (let v = builtins.getAttr name set; in builtins.seq (isPackage v) v);
          value = attempt.value;
          kind = builtins.tryEval (
            if isPackage value then "package"
            else if builtins.isAttrs value then (if depth < 4 && (value.recurseForDerivations or false) == true then "searched" else "opaque")
            else "other");
        in
        if !attempt.success || !kind.success then [{ opaque = path; }]
        else if kind.value == "package" then [{ package = describe path value; }]
        else if kind.value == "searched" then walk path (depth + 1) value
        else if kind.value == "opaque" then [{ opaque = path; }]
        else [ ])
      (builtins.attrNames set));

  found = walk "" 0 pkgs;
in
{
  packages = map (e: e.package) (builtins.filter (e: e ? package) found);
  opaque = map (e: e.opaque) (builtins.filter (e: e ? opaque) found);
}
