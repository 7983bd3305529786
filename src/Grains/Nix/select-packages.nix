# Selects packages from a package set without ever treating user input as
# code: the source, the package names and the system arrive as JSON strings.
#
# Result: { found = [{ name, packages = [{ drvPath, output, path }] }];
#           missing = [ name ]; }
# A name is found when it resolves to a derivation or a list of derivations
# (a meta-package); every other name, whatever the reason, is missing, so all
# of them can be reported to the client at once.
{ source, packages, system }:
let
  src = builtins.fromJSON source;
  requested = builtins.fromJSON packages;

  # Every source is a store path the registry imported (sources/): Nix never
  # fetches, and restricted evaluation may read nothing else.
  imported = import src.path;

  # nixpkgs takes { system, config, overlays }; passing config and overlays
  # keeps a user's ~/.config/nixpkgs out of the build. Package sets that take
  # none of these are used as they are.
  pkgs =
    if builtins.isFunction imported
    then imported (builtins.intersectAttrs (builtins.functionArgs imported) {
      inherit system;
      config = { };
      overlays = [ ];
    })
    else imported;

  upper = [ "A" "B" "C" "D" "E" "F" "G" "H" "I" "J" "K" "L" "M" "N" "O" "P" "Q" "R" "S" "T" "U" "V" "W" "X" "Y" "Z" ];
  lower = [ "a" "b" "c" "d" "e" "f" "g" "h" "i" "j" "k" "l" "m" "n" "o" "p" "q" "r" "s" "t" "u" "v" "w" "x" "y" "z" ];
  toLower = builtins.replaceStrings upper lower;

  isDerivation = v: builtins.isAttrs v && (v.type or null) == "derivation";
  isPackage = v: isDerivation v || (builtins.isList v && v != [ ] && builtins.all isDerivation v);
  isSet = v: builtins.isAttrs v && !(isDerivation v);

  # Registry names are lowercase, attribute names are often camelCase: when
  # the exact name is absent, take the attribute whose lowercase form matches
  # (the first in sorted order, so the choice is stable).
  resolveName = set: name:
    if builtins.hasAttr name set then name
    else
      let matches = builtins.filter (n: toLower n == toLower name) (builtins.attrNames set);
      in if matches == [ ] then null else builtins.head (builtins.sort builtins.lessThan matches);

  # Walks a dotted attribute path with has-attribute tests only: selecting a
  # missing attribute would be an error that tryEval cannot catch.
  walk = set: components:
    if components == [ ] then { ok = true; value = set; }
    else
      let
        attempt = builtins.tryEval (isSet set);
        name = if attempt.success && attempt.value then resolveName set (builtins.head components) else null;
      in
      if name == null then { ok = false; }
      else walk (builtins.getAttr name set) (builtins.tail components);

  select = name:
    let
      found = if builtins.isString name && name != "" then walk pkgs (builtins.filter builtins.isString (builtins.split "\\." name)) else { ok = false; };
      checked = if found.ok then builtins.tryEval (isPackage found.value) else { success = false; };
    in
    if checked.success && checked.value
    then { inherit name; ok = true; value = found.value; }
    else { inherit name; ok = false; };

  selections = map select requested;
  # meta as nixpkgs gives it, for the SBOM: anything that fails to evaluate
  # or is not a string counts as absent, so meta can never fail a build.
  string = v: let r = builtins.tryEval (builtins.isString v); in if r.success && r.value then v else null;
  licenses = drv:
    let
      license = builtins.tryEval (drv.meta.license or null);
      list = if !license.success || license.value == null then [ ] else if builtins.isList license.value then license.value else [ license.value ];
    in
    builtins.filter (l: l != null) (map (l: string (if builtins.isAttrs l then l.spdxId or null else l)) list);
  describe = drv: {
    drvPath = drv.drvPath;
    output = drv.outputName or "out";
    path = drv.outPath;
    meta = {
      licenses = licenses drv;
      homepage = string (drv.meta.homepage or null);
      description = string (drv.meta.description or null);
    };
  };
in
{
  found = map (s: { inherit (s) name; packages = map describe (if builtins.isList s.value then s.value else [ s.value ]); })
    (builtins.filter (s: s.ok) selections);
  missing = map (s: s.name) (builtins.filter (s: !s.ok) selections);
}
