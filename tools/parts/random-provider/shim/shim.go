// Package shim hands the Terraform random provider's Plugin Framework provider to the bridge.
// It exists only because that constructor is in an internal package (see go.mod).
package shim

import (
	"github.com/hashicorp/terraform-plugin-framework/provider"
	random "github.com/terraform-providers/terraform-provider-random/internal/provider"
)

// NewProvider returns the upstream provider unchanged.
func NewProvider() provider.Provider {
	return random.New()
}
