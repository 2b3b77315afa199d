package poseidongen

import (
	"bytes"
	"fmt"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr/poseidon2"

	"github.com/leash-wallet/leash/circuits/policy/internal/fr29"
)

// Tables29 writes p's round keys (and the internal diagonal diag, if not
// nil) as fr29.Element literals, the constants of the permutation over
// fr29: <prefix>Full29 (the full rounds, every lane), <prefix>Partial29
// (the partial rounds, lane 0) and <prefix>DiagM129, sized by the
// constants <prefix>FullRounds and <prefix>PartialRounds.
func Tables29(b *bytes.Buffer, prefix string, p *poseidon2.Parameters, diag []fr.Element) {
	width := p.Width
	fullRounds, partialRounds := p.NbFullRounds, p.NbPartialRounds
	lit := func(e fr.Element) string {
		var z fr29.Element
		z.FromGnark(&e)
		return fmt.Sprintf("%#v", [9]uint64(z))[len("[9]uint64"):]
	}
	b.WriteString("\n// The same keys as fr29 literals, for the permutation over fr29.\n")
	fmt.Fprintf(b, "var %sFull29 = [%sFullRounds][%d]fr29.Element{\n", prefix, prefix, width)
	for r := range p.RoundKeys {
		if r >= fullRounds/2 && r < fullRounds/2+partialRounds {
			continue
		}
		b.WriteString("\t{")
		for _, k := range p.RoundKeys[r] {
			fmt.Fprintf(b, "%s, ", lit(k))
		}
		b.WriteString("},\n")
	}
	b.WriteString("}\n\n")
	fmt.Fprintf(b, "var %sPartial29 = [%sPartialRounds]fr29.Element{\n", prefix, prefix)
	for r := fullRounds / 2; r < fullRounds/2+partialRounds; r++ {
		fmt.Fprintf(b, "\t%s,\n", lit(p.RoundKeys[r][0]))
	}
	b.WriteString("}\n")
	if diag != nil {
		fmt.Fprintf(b, "\nvar %sDiagM129 = [%d]fr29.Element{\n", prefix, width)
		for _, k := range diag {
			fmt.Fprintf(b, "\t%s,\n", lit(k))
		}
		b.WriteString("}\n")
	}
}
