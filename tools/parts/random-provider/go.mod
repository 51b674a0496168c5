// The project's own bridge build of Terraform's random provider as the Pulumi plugin
// pulumi-resource-random (github.com/pulumi/pulumi-random/provider/v4 itself is refused by the
// module proxy). build.sh copies this directory into the cache and builds it there; Go adds the
// indirect requirements and go.sum (checked against sum.golang.org) in that copy only.
module local/pulumi-resource-random-build

go 1.24.11

require (
	// The bridge version pulumi-random 4.19.1 builds with; it carries pkg/pf (the separate
	// github.com/pulumi/pulumi-terraform-bridge/pf module is refused by the proxy).
	github.com/pulumi/pulumi-terraform-bridge/v3 v3.119.0
	github.com/pulumi/pulumi/sdk/v3 v3.213.0
	github.com/terraform-providers/terraform-provider-random/shim v0.0.0
)

// The shim is this directory's own module (see shim/go.mod for why its path looks upstream's).
replace github.com/terraform-providers/terraform-provider-random/shim => ./shim

// As in pulumi-terraform-bridge v3.119.0's own go.mod: the bridge is written against Pulumi's fork
// of the SDK, and a dependency's replace lines do not apply to the module that requires it.
replace github.com/hashicorp/terraform-plugin-sdk/v2 => github.com/pulumi/terraform-plugin-sdk/v2 v2.0.0-20250923233607-7f1981c8674a
