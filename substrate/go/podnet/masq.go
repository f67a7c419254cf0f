package main

import (
	"fmt"
	"net/netip"

	"github.com/google/nftables"
	"github.com/google/nftables/expr"
)

// podnet owns this nftables table outright; nothing else writes to it, so
// deleting and recreating it is always safe and makes setup idempotent.
const (
	masqTable = "podnet"
	masqChain = "postrouting"
)

// ensureMasquerade makes sure the NAT table exists, recreating it when
// force is set (startup) or when it has disappeared (someone flushed the
// ruleset). It programs the equivalent of:
//
//	table ip podnet {
//	  chain postrouting {
//	    type nat hook postrouting priority srcnat; policy accept;
//	    ip saddr <podSubnet> ip daddr != <podSubnet> masquerade
//	  }
//	}
//
// Pods leaving the cluster get the node's address (what kind's docker
// network can route back), while pod-to-pod traffic keeps pod source IPs.
// Service traffic is already DNATed to a pod IP by kube-proxy before
// postrouting, so it is not masqueraded here either.
func ensureMasquerade(podSubnet netip.Prefix, force bool) (created bool, err error) {
	c, err := nftables.New()
	if err != nil {
		return false, fmt.Errorf("nftables: %w", err)
	}
	if !force {
		if _, err := c.ListTableOfFamily(masqTable, nftables.TableFamilyIPv4); err == nil {
			if ch, err := c.ListChain(&nftables.Table{Name: masqTable, Family: nftables.TableFamilyIPv4}, masqChain); err == nil && ch != nil {
				return false, nil
			}
		}
	}
	t := &nftables.Table{Name: masqTable, Family: nftables.TableFamilyIPv4}
	// Add-then-delete guarantees the delete never fails on a missing
	// table; the whole batch below is applied atomically by the kernel.
	c.AddTable(t)
	c.DelTable(t)
	c.AddTable(t)
	ch := c.AddChain(&nftables.Chain{
		Name:     masqChain,
		Table:    t,
		Type:     nftables.ChainTypeNAT,
		Hooknum:  nftables.ChainHookPostrouting,
		Priority: nftables.ChainPriorityNATSource,
	})
	c.AddRule(&nftables.Rule{Table: t, Chain: ch, Exprs: masqueradeExprs(podSubnet)})
	if err := c.Flush(); err != nil {
		return false, fmt.Errorf("nftables: program table %s: %w", masqTable, err)
	}
	return true, nil
}

// masqueradeExprs is the rule body: load saddr, mask, compare == subnet;
// load daddr, mask, compare != subnet; masquerade.
func masqueradeExprs(podSubnet netip.Prefix) []expr.Any {
	p := podSubnet.Masked()
	network := p.Addr().AsSlice()
	mask := []byte{0, 0, 0, 0}
	for i := 0; i < p.Bits(); i++ {
		mask[i/8] |= 0x80 >> (i % 8)
	}
	match := func(offset uint32, op expr.CmpOp) []expr.Any {
		return []expr.Any{
			&expr.Payload{DestRegister: 1, Base: expr.PayloadBaseNetworkHeader, Offset: offset, Len: 4},
			&expr.Bitwise{SourceRegister: 1, DestRegister: 1, Len: 4, Mask: mask, Xor: []byte{0, 0, 0, 0}},
			&expr.Cmp{Op: op, Register: 1, Data: network},
		}
	}
	var e []expr.Any
	e = append(e, match(12, expr.CmpOpEq)...)  // IPv4 header offset 12: source address
	e = append(e, match(16, expr.CmpOpNeq)...) // IPv4 header offset 16: destination address
	return append(e, &expr.Masq{})
}
