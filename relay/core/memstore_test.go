package core_test

import (
	"testing"

	"github.com/leash-wallet/leash/relay/core"
	"github.com/leash-wallet/leash/relay/core/storetest"
)

func TestMemStore(t *testing.T) {
	storetest.Run(t, func(*testing.T) core.Store { return core.NewMemStore() }, nil)
}
