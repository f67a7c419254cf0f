module kube-ha-chaos/substrate/runtime-shim

go 1.24.0
