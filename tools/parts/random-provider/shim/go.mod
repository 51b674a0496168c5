// The shim's module path sits under the Terraform provider's own module path on purpose: Go
// lets a package import an internal/ package only from inside the tree that holds it, and
// github.com/terraform-providers/terraform-provider-random/internal/provider is where the
// provider's constructor lives. The module itself is only ever used through the local-path
// replace in ../go.mod; it is never published.
module github.com/terraform-providers/terraform-provider-random/shim

go 1.24.11

require (
	github.com/hashicorp/terraform-plugin-framework v1.17.0
	// The commit pulumi-random 4.19.1 pins. The proxy serves it though its version list omits
	// it; the same commit under github.com/hashicorp/terraform-provider-random is refused (403).
	github.com/terraform-providers/terraform-provider-random v1.3.2-0.20260127150608-de3700a633e4
)
