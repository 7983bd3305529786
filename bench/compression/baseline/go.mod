module nixery.bench/baseline

go 1.19
