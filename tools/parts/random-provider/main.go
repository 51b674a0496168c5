// Command pulumi-resource-random is the project's own bridge build of Terraform's random
// provider, standing in for the pulumi-random release binary, which no registry serves
// (github.com/pulumi/pulumi-random/provider/v4 is refused by the module proxy). It uses the
// Terraform provider commit and the bridge version pulumi-random 4.19.1 pins, and mirrors the
// parts of the release's ProviderInfo that decide tokens, IDs and state handling, so that
// programs written for @pulumi/random 4.19.1 and states written by the release work unchanged.
// docs/random-provider.md says what is the same as the release and what differs.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"os"
	"sync"

	pfbridge "github.com/pulumi/pulumi-terraform-bridge/v3/pkg/pf/tfbridge"
	"github.com/pulumi/pulumi-terraform-bridge/v3/pkg/tfbridge"
	"github.com/pulumi/pulumi-terraform-bridge/v3/pkg/tfbridge/tokens"
	"github.com/pulumi/pulumi-terraform-bridge/v3/pkg/tfgen"
	"github.com/pulumi/pulumi/sdk/v3/go/common/diag"
	"github.com/pulumi/pulumi/sdk/v3/go/common/diag/colors"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	"github.com/terraform-providers/terraform-provider-random/shim"
)

// version is stamped by build.sh (-X main.version=...): the engine matches plugins to the
// @pulumi/random SDK by it, and the bridge refuses a version that is not semver.
var version = "0.0.0-unstamped"

func providerInfo() tfbridge.ProviderInfo {
	info := tfbridge.ProviderInfo{
		P:           pfbridge.ShimProvider(shim.NewProvider()),
		Name:        "random",
		Version:     version,
		Description: "A Pulumi package to safely use randomness in Pulumi programs.",
		Keywords:    []string{"pulumi", "random"},
		License:     "Apache-2.0",
		Homepage:    "https://pulumi.io",
		Repository:  "https://github.com/pulumi/pulumi-random",
		// The release embeds the bridge-metadata.json its tfgen step wrote. Nothing is generated
		// at build time here; empty metadata only means no alias history, and random has never
		// renamed a resource or changed a MaxItemsOne field that the history would have to undo.
		MetadataInfo: tfbridge.NewProviderMetadata(nil),
		Resources: map[string]*tfbridge.ResourceInfo{
			// As the release: states of RandomString written by an old bridge could lack the
			// schema version marker (pulumi/pulumi-random#258); treat them as version 1.
			"random_string": {
				PreStateUpgradeHook: func(a tfbridge.PreStateUpgradeHookArgs) (int64, resource.PropertyMap, error) {
					if a.PriorStateSchemaVersion == 0 {
						return 1, a.PriorState, nil
					}
					return a.PriorStateSchemaVersion, a.PriorState, nil
				},
			},
			// Terraform's random_bytes has no id attribute; the release uses base64 as the ID.
			"random_bytes": {ComputeID: randomBytesID},
		},
	}
	// random_password -> random:index/randomPassword:RandomPassword, as the release names them.
	info.MustComputeTokens(tokens.SingleModule("random_", "index",
		func(module, name string) (string, error) {
			return tokens.MakeStandard("random")(module, "Random"+name)
		}))
	info.MustApplyAutoAliases()
	return info
}

func randomBytesID(_ context.Context, state resource.PropertyMap) (resource.ID, error) {
	b, ok := state["base64"]
	if !ok {
		return "", errors.New("random_bytes: no base64 property in state to use as the ID")
	}
	// base64 is sensitive, so it arrives wrapped as a secret; IDs cannot be secret.
	if b.IsSecret() {
		b = b.SecretValue().Element
	}
	if !b.IsString() {
		return "", errors.New("random_bytes: the base64 property is not a string")
	}
	return resource.ID(b.StringValue()), nil
}

// packageSchema generates the Pulumi package schema from the provider itself when the engine
// first asks for it, instead of embedding a schema.json written by a tfgen step at build time.
// Descriptions come from the Terraform schema (XInMemoryDocs) rather than the upstream docs
// pages, which is the one intended difference from the release's schema.
func packageSchema(info tfbridge.ProviderInfo) func(context.Context, plugin.GetSchemaRequest) ([]byte, error) {
	generate := sync.OnceValues(func() ([]byte, error) {
		// tfgen's notes go to stderr (the engine's log); stdout carries the plugin's port.
		sink := diag.DefaultSink(io.Discard, os.Stderr, diag.FormatOptions{Color: colors.Never})
		res, err := tfgen.GenerateSchemaWithOptions(tfgen.GenerateSchemaOptions{
			ProviderInfo:    info,
			DiagnosticsSink: sink,
			XInMemoryDocs:   true,
		})
		if err != nil {
			return nil, err
		}
		spec := res.PackageSpec
		spec.Version = info.Version
		return json.Marshal(spec)
	})
	return func(context.Context, plugin.GetSchemaRequest) ([]byte, error) { return generate() }
}

func main() {
	info := providerInfo()
	pfbridge.Main(context.Background(), "random", info,
		pfbridge.ProviderMetadata{XGetSchema: packageSchema(info)})
}
