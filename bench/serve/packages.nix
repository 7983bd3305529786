# The demo package set plus two packages that exist only for bench/serve:
# `big` (about 67 MB, the size of a real mid-sized package) and `huge` (a
# closure of about 1 GiB in eight store paths). Both are generated
# deterministically by the busybox builder from the busybox binary and
# number sequences, so they compress like executables and text do, and
# nothing is downloaded. They are kept out of demo/default.nix because the
# popularity command and the tests build every package of that set.
# bench/serve/run.sh copies demo/default.nix next to this file as demo.nix.
{ system ? builtins.currentSystem, busybox ? "/usr/bin/busybox" }@args:
let
  demo = import ./demo.nix args;
  bootstrap = builtins.path {
    name = "busybox-static";
    path = /. + dirOf busybox;
    filter = path: type: baseNameOf path == "busybox";
  };
  # parts × (the 2 MB busybox binary + a 0.5 MB-ish number sequence)
  generated = name: parts: derivation {
    inherit name system;
    builder = "${bootstrap}/busybox";
    args = [ "sh" "-eu" "-c" ''
      ${bootstrap}/busybox mkdir -p "$NIX_BUILD_TOP/.applets"
      ${bootstrap}/busybox --install -s "$NIX_BUILD_TOP/.applets"
      export PATH="$NIX_BUILD_TOP/.applets"
      mkdir -p $out/share/${name} $out/bin
      i=0
      while [ $i -lt ${toString parts} ]; do
        { echo "${name} part $i"; cat ${bootstrap}/busybox; seq $((i * 100000)) $((i * 100000 + 60000)); } > $out/share/${name}/part-$i.bin
        i=$((i + 1))
      done
      printf '#!${demo.busybox}/bin/sh\necho "${name}: ${toString parts} parts"\n' > $out/bin/${name}
      chmod 0555 $out/bin/${name}
    '' ];
  };
  hugeParts = builtins.genList (n: generated "huge-part${toString n}" 52) 8;
in
demo // {
  big = generated "big" 28;
  huge = derivation {
    name = "huge";
    inherit system;
    builder = "${bootstrap}/busybox";
    parts = hugeParts;
    args = [ "sh" "-eu" "-c" ''
      ${bootstrap}/busybox mkdir -p $out/bin $out/share
      for p in $parts; do echo "$p" >> $out/share/parts; done
      ${bootstrap}/busybox ln -s ${builtins.elemAt hugeParts 0}/bin/huge-part0 $out/bin/huge
    '' ];
  };
}
