module kube-ha-chaos/substrate/workload

go 1.24.0
