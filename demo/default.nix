# A small offline package set that imitates nixpkgs' attribute names, so the
# registry can be run and tested without nixpkgs or a binary cache. Every
# package is a raw derivation whose only builder is Debian's static busybox.
{ system ? builtins.currentSystem
, busybox ? "/usr/bin/busybox"
}:
let
  # Nix runs the builder with argv[0] = its store path, and busybox acts as
  # the multi-call binary only when that name starts with "busybox", so the
  # binary is imported inside a directory rather than as a file of its own.
  bootstrap = builtins.path {
    name = "busybox-static";
    path = /. + dirOf busybox;
    filter = path: type: baseNameOf path == "busybox";
  };

  # Each build script gets the busybox applets on a private PATH and nothing
  # from the host.
  # meta sits on the result, as nixpkgs' mkDerivation puts it, so it never
  # changes a derivation (the web page's search reads meta.description, the
  # SBOM meta.license and meta.homepage).
  mkPackage = { pname, version, script, outputs ? [ "out" ], extra ? { }, description ? "", meta ? { } }:
    (derivation ({
      name = "${pname}-${version}";
      inherit system pname version outputs;
      # Tests and benchmarks copy this file with another salt to get new
      # store paths, hence builds that really run.
      salt = "";
      builder = "${bootstrap}/busybox";
      args = [ "sh" "-eu" "-c" ''
        ${bootstrap}/busybox mkdir -p "$NIX_BUILD_TOP/.applets"
        ${bootstrap}/busybox --install -s "$NIX_BUILD_TOP/.applets"
        export PATH="$NIX_BUILD_TOP/.applets"
        ${script}
      '' ];
    } // extra)) // { meta = { inherit description; } // meta; };

  # nixpkgs' lib.licenses entries have this shape.
  licenses = {
    asl20 = { spdxId = "Apache-2.0"; shortName = "asl20"; };
    curl = { spdxId = "curl"; shortName = "curl"; };
    gpl2Only = { spdxId = "GPL-2.0-only"; shortName = "gpl2Only"; };
    gpl3Plus = { spdxId = "GPL-3.0-or-later"; shortName = "gpl3Plus"; };
    zlib = { spdxId = "Zlib"; shortName = "zlib"; };
  };

  # A library-like package: a file under lib/ that names its dependencies'
  # store paths, so Nix's reference scanner records real references.
  mkLibrary = { pname, version, deps ? [ ], description ? "The ${pname} library", meta ? { } }: mkPackage {
    inherit pname version description meta;
    script = ''
      mkdir -p $out/lib $out/share/doc/${pname}
      echo "${pname} ${version}" > $out/lib/lib${pname}.so.txt
      for dep in ${toString deps}; do echo "$dep" >> $out/lib/lib${pname}.so.txt; done
      echo "Documentation of ${pname}." > $out/share/doc/${pname}/README
    '';
  };

  # An application: bin/<name> is a shell script run by busybox's sh that
  # prints its name and the libraries it was linked against.
  mkProgram = { pname, version, bin ? pname, deps ? [ ], message ? "${pname} ${version}", description ? "", meta ? { } }: mkPackage {
    inherit pname version description meta;
    script = ''
      mkdir -p $out/bin $out/share/man/man1
      cat > $out/bin/${bin} <<SCRIPT
      #!${pkgs.busybox}/bin/sh
      echo "${message}"
      for lib in ${toString deps}; do [ -e "\$lib" ] || { echo "missing \$lib" >&2; exit 1; }; done
      SCRIPT
      chmod 0555 $out/bin/${bin}
      echo ".TH ${bin} 1" > $out/share/man/man1/${bin}.1
    '';
  };

  applets = name: list: mkPackage {
    pname = name;
    description = "Basic ${name} commands (busybox applets)";
    version = "9.4";
    script = ''
      mkdir -p $out/bin
      for a in ${toString list}; do ln -s ${pkgs.busybox}/bin/busybox $out/bin/$a; done
    '';
  };

  pkgs = rec {
    busybox = mkPackage {
      pname = "busybox"; description = "Tiny versions of common UNIX utilities in a single small executable";
      version = "1.35.0";
      script = ''
        mkdir -p $out/bin
        cp ${bootstrap}/busybox $out/bin/busybox
        chmod 0555 $out/bin/busybox
        ln -s busybox $out/bin/sh
        ln -s busybox $out/bin/ash
      '';
    };

    coreutils = applets "coreutils" [
      "basename" "cat" "chmod" "cp" "cut" "date" "dirname" "echo" "env" "false" "head" "id"
      "ln" "ls" "mkdir" "mktemp" "mv" "printf" "pwd" "readlink" "rm" "sleep" "sort" "tail"
      "tee" "touch" "tr" "true" "uname" "wc" "whoami"
    ];

    # bash is played by busybox's ash; "bash" is not one of its applet names.
    bashInteractive = mkPackage {
      pname = "bash-interactive"; description = "GNU Bourne-Again Shell, the de facto standard shell on Linux (interactive)";
      version = "5.2";
      script = ''
        mkdir -p $out/bin
        printf '#!${busybox}/bin/sh\nexec ${busybox}/bin/sh "$@"\n' > $out/bin/bash
        chmod 0555 $out/bin/bash
        ln -s bash $out/bin/sh
      '';
    };

    moreutils = mkPackage {
      pname = "moreutils"; description = "Growing collection of the unix tools that nobody thought to write long ago";
      version = "0.69";
      script = ''
        mkdir -p $out/bin
        printf '#!${busybox}/bin/sh\n# soak up stdin, then write it to the file\ntmp=$(${busybox}/bin/busybox mktemp)\n${busybox}/bin/busybox cat > "$tmp"\n${busybox}/bin/busybox mv "$tmp" "$1"\n' > $out/bin/sponge
        printf '#!${busybox}/bin/sh\nwhile IFS= read -r line; do echo "$(${busybox}/bin/busybox date +%%T) $line"; done\n' > $out/bin/ts
        chmod 0555 $out/bin/sponge $out/bin/ts
      '';
    };

    nano = mkPackage {
      pname = "nano"; description = "Small, user-friendly console text editor";
      version = "7.2";
      script = ''
        mkdir -p $out/bin $out/share/nano
        ln -s ${busybox}/bin/busybox $out/bin/vi
        printf '#!${busybox}/bin/sh\nexec ${busybox}/bin/busybox vi "$@"\n' > $out/bin/nano
        chmod 0555 $out/bin/nano
        echo 'syntax "demo" "\.demo$"' > $out/share/nano/demo.nanorc
      '';
    };

    cacert = mkPackage {
      pname = "nss-cacert"; description = "A bundle of X.509 certificates of public Certificate Authorities";
      version = "3.98";
      script = ''
        mkdir -p $out/etc/ssl/certs
        {
          echo "# Demo CA bundle: stands in for the Mozilla bundle; it trusts nothing."
          i=0
          while [ $i -lt 8 ]; do
            echo "-----BEGIN CERTIFICATE-----"
            echo "demo certificate $i" | sha256sum | cut -d' ' -f1 | base64
            echo "-----END CERTIFICATE-----"
            i=$((i + 1))
          done
        } > $out/etc/ssl/certs/ca-bundle.crt
        ln -s ca-bundle.crt $out/etc/ssl/certs/ca-certificates.crt
      '';
    };

    iana-etc = mkPackage {
      pname = "iana-etc"; description = "IANA protocol and port number assignments (/etc/protocols and /etc/services)";
      version = "20240318";
      script = ''
        mkdir -p $out/etc
        printf 'ftp\t\t21/tcp\nssh\t\t22/tcp\nhttp\t\t80/tcp\nhttps\t\t443/tcp\n' > $out/etc/services
        printf 'ip\t0\tIP\ntcp\t6\tTCP\nudp\t17\tUDP\n' > $out/etc/protocols
      '';
    };

    hello = mkProgram {
      pname = "hello"; description = "Program that produces a familiar, friendly greeting";
      version = "2.12.1";
      message = "Hello, world!";
      meta = { homepage = "https://www.gnu.org/software/hello/manual/"; license = licenses.gpl3Plus; };
    };

    # A web of shared dependencies, as in nixpkgs: git and curl share openssl
    # and zlib; htop shares ncurses with nano-like tools.
    zlib = mkLibrary {
      pname = "zlib"; description = "Lossless data-compression library"; version = "1.3.1";
      meta = { homepage = "https://zlib.net"; license = licenses.zlib; };
    };
    ncurses = mkLibrary { pname = "ncurses"; description = "Free software emulation of curses in SVR4 and more"; version = "6.4"; };
    # Two outputs; "out" names "doc", so doc is part of the runtime closure
    # while a selection of the package gives its "out".
    openssl = mkPackage {
      pname = "openssl"; description = "Cryptographic library that implements the SSL and TLS protocols";
      version = "3.0.13";
      outputs = [ "out" "doc" ];
      meta = { homepage = "https://www.openssl.org/"; license = licenses.asl20; };
      script = ''
        mkdir -p $out/lib $doc/share/doc/openssl
        echo "openssl 3.0.13 with ${zlib}; manual in $doc" > $out/lib/libssl.so.txt
        echo "The OpenSSL manual." > $doc/share/doc/openssl/index.txt
      '';
    };
    curl = mkProgram {
      pname = "curl"; description = "A command line tool for transferring files with URL syntax"; version = "8.6.0"; deps = [ openssl zlib ];
      meta = { homepage = "https://curl.se/"; license = licenses.curl; };
    };
    git = mkProgram {
      pname = "git"; description = "Distributed version control system"; version = "2.44.0"; deps = [ curl openssl zlib ];
      meta = { homepage = "https://git-scm.com/"; license = licenses.gpl2Only; };
    };
    htop = mkProgram { pname = "htop"; description = "An interactive process viewer"; version = "3.3.0"; deps = [ ncurses ]; };
    jq = mkProgram { pname = "jq"; description = "A lightweight and flexible command-line JSON processor"; version = "1.7.1"; };

    # Names that start with a digit are prefixed with "_" in nixpkgs.
    _1password = mkProgram { pname = "1password-cli"; description = "1Password command-line tool"; version = "2.26.0"; bin = "op"; };

    python3 = mkProgram { pname = "python3"; description = "High-level dynamically-typed programming language"; version = "3.11.8"; deps = [ openssl zlib ]; };
    # Nested sets, addressed with dots: python3Packages.requests.
    # recurseForDerivations: searched for packages, as nixpkgs marks such sets.
    python3Packages = {
      recurseForDerivations = true;
      requests = mkLibrary { pname = "python3.11-requests"; description = "HTTP library for Python"; version = "2.31.0"; deps = [ python3 openssl ]; };
      numpy = mkLibrary { pname = "python3.11-numpy"; description = "Scientific tools for Python"; version = "1.26.4"; deps = [ python3 zlib ]; };
    };
    xorg = {
      recurseForDerivations = true;
      xev = mkProgram { pname = "xev"; description = "X event monitor"; version = "1.2.5"; };
    };

    # Fails on purpose: the registry must report the derivation and its log.
    broken = mkPackage {
      pname = "broken"; description = "A package that fails to build, on purpose";
      version = "1.0";
      script = ''
        echo "configuring broken-1.0"
        echo "error: this package is broken on purpose" >&2
        exit 3
      '';
    };

    # Takes a while to build: for watching concurrent pulls join one build.
    slow = mkPackage {
      pname = "slow"; description = "A package that takes ten seconds to build";
      version = "1.0";
      script = ''
        echo "building slowly"
        sleep 10
        mkdir -p $out/bin
        printf '#!${busybox}/bin/sh\necho "slow: built"\n' > $out/bin/slow
        chmod 0555 $out/bin/slow
      '';
    };

    # Tens of megabytes of deterministic, moderately compressible data: a
    # stand-in for a large package such as a compiler or a TeX distribution.
    large = mkPackage {
      pname = "large"; description = "Tens of megabytes of data, standing in for a compiler";
      version = "1.0";
      script = ''
        mkdir -p $out/share/large $out/bin
        i=0
        while [ $i -lt 20 ]; do
          { echo "part $i"; cat ${bootstrap}/busybox; seq $((i * 100000)) $((i * 100000 + 60000)); } > $out/share/large/part-$i.bin
          i=$((i + 1))
        done
        printf '#!${busybox}/bin/sh\necho "large: $(${busybox}/bin/busybox ls ${placeholder "out"}/share/large | ${busybox}/bin/busybox wc -l) parts"\n' > $out/bin/large
        chmod 0555 $out/bin/large
      '';
    };
  };
in
pkgs
