package main

import (
	"bytes"
	"testing"

	"github.com/google/nftables/expr"
)

func TestMasqueradeExprs(t *testing.T) {
	e := masqueradeExprs(pfx("10.244.0.0/16"))
	if len(e) != 7 {
		t.Fatalf("want 7 expressions, got %d", len(e))
	}
	for i, off := range []uint32{12, 16} { // saddr, daddr
		p, ok1 := e[i*3].(*expr.Payload)
		b, ok2 := e[i*3+1].(*expr.Bitwise)
		c, ok3 := e[i*3+2].(*expr.Cmp)
		if !ok1 || !ok2 || !ok3 {
			t.Fatalf("match %d has wrong expression types", i)
		}
		if p.Offset != off || p.Len != 4 || p.Base != expr.PayloadBaseNetworkHeader {
			t.Errorf("payload %d = %+v", i, p)
		}
		if !bytes.Equal(b.Mask, []byte{255, 255, 0, 0}) {
			t.Errorf("mask %d = %v", i, b.Mask)
		}
		if !bytes.Equal(c.Data, []byte{10, 244, 0, 0}) {
			t.Errorf("network %d = %v", i, c.Data)
		}
	}
	if e[2].(*expr.Cmp).Op != expr.CmpOpEq || e[5].(*expr.Cmp).Op != expr.CmpOpNeq {
		t.Errorf("want saddr == subnet and daddr != subnet")
	}
	if _, ok := e[6].(*expr.Masq); !ok {
		t.Errorf("last expression is not masquerade")
	}
	// Non-octet prefix length.
	b := masqueradeExprs(pfx("10.96.0.0/12"))[1].(*expr.Bitwise)
	if !bytes.Equal(b.Mask, []byte{255, 240, 0, 0}) {
		t.Errorf("/12 mask = %v", b.Mask)
	}
}
