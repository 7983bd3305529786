# Lists the derivations of a package set, for computing popularity data:
# top-level packages, and those of nested sets that ask to be searched
# (recurseForDerivations, as nix-env -qa does) or sit one level down.
# Anything that fails to evaluate is left out.
# Result: [ { name, drvPath } ]
{ source, system }:
let
  src = builtins.fromJSON source;
  imported = import src.path;
  pkgs =
    if builtins.isFunction imported
    then imported (builtins.intersectAttrs (builtins.functionArgs imported) { inherit system; config = { }; overlays = [ ]; })
    else imported;

  isDerivation = v: builtins.isAttrs v && (v.type or null) == "derivation";

  walk = prefix: depth: set:
    builtins.concatLists (map
      (name:
        let
          attempt = builtins.tryEval (builtins.getAttr name set);
          value = attempt.value;
          path = if prefix == "" then name else "${prefix}.${name}";
          drv = builtins.tryEval (if isDerivation value then value.drvPath else null);
          searched = builtins.tryEval (builtins.isAttrs value && !(isDerivation value)
            && (depth < 1 || (value.recurseForDerivations or false) == true));
        in
        if !attempt.success then [ ]
        else if drv.success && drv.value != null then [{ name = path; drvPath = drv.value; }]
        else if searched.success && searched.value then walk path (depth + 1) value
        else [ ])
      (builtins.attrNames set));
in
walk "" 0 pkgs
