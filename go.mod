module github.com/leash-wallet/leash

go 1.26.8
