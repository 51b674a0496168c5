// A minimal stand-in for the `random` resource provider, for offline engine runs only.
//
// The real provider (github.com/pulumi/pulumi-random/provider/v4, a bridged Terraform provider)
// cannot be built on machines that only reach the Go module proxy mirror: the mirror refuses
// github.com/pulumi/pulumi-random/* and github.com/pulumi/terraform-bridge/v3 (403). See
// docs/offline-engine.md. This plugin implements only what this project uses,
// `random:index/randomPassword:RandomPassword`, with the inputs, defaults, outputs and
// replace-on-any-change semantics of the real resource (id "none", `result` and `bcryptHash`
// made secret by the @pulumi/random SDK's additionalSecretOutputs). Any other random type fails
// loudly. tools/pulumi-toolchain.sh builds it as pulumi-resource-random at the version pinned in
// package.json, so the engine loads it in place of the real plugin.
package main

import (
	"context"
	"crypto/rand"
	"fmt"
	"math/big"
	"os"
	"sort"

	"golang.org/x/crypto/bcrypt"
	"google.golang.org/protobuf/types/known/emptypb"
	"google.golang.org/protobuf/types/known/structpb"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/provider"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

// Set with -ldflags "-X main.version=<version>".
var version = "0.0.0"

const passwordType = "random:index/randomPassword:RandomPassword"

type randomProvider struct {
	pulumirpc.UnimplementedResourceProviderServer
}

func main() {
	err := provider.Main("random", func(*provider.HostClient) (pulumirpc.ResourceProviderServer, error) {
		return &randomProvider{}, nil
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

var opts = plugin.MarshalOptions{KeepUnknowns: true, KeepSecrets: true, SkipNulls: true}

func unmarshal(s *structpb.Struct) (resource.PropertyMap, error) {
	return plugin.UnmarshalProperties(s, opts)
}

func marshal(m resource.PropertyMap) (*structpb.Struct, error) {
	return plugin.MarshalProperties(m, opts)
}

func checkType(t string) error {
	if resource.URN(t).IsValid() {
		t = string(resource.URN(t).Type())
	}
	if t != passwordType {
		return fmt.Errorf("offline random stand-in: resource type %q is not implemented (only %s)", t, passwordType)
	}
	return nil
}

func (p *randomProvider) GetPluginInfo(context.Context, *emptypb.Empty) (*pulumirpc.PluginInfo, error) {
	return &pulumirpc.PluginInfo{Version: version}, nil
}

func (p *randomProvider) GetSchema(context.Context, *pulumirpc.GetSchemaRequest) (*pulumirpc.GetSchemaResponse, error) {
	return &pulumirpc.GetSchemaResponse{Schema: fmt.Sprintf(`{"name":"random","version":%q}`, version)}, nil
}

func (p *randomProvider) CheckConfig(_ context.Context, req *pulumirpc.CheckRequest) (*pulumirpc.CheckResponse, error) {
	return &pulumirpc.CheckResponse{Inputs: req.GetNews()}, nil
}

func (p *randomProvider) DiffConfig(context.Context, *pulumirpc.DiffRequest) (*pulumirpc.DiffResponse, error) {
	return &pulumirpc.DiffResponse{Changes: pulumirpc.DiffResponse_DIFF_NONE}, nil
}

func (p *randomProvider) Configure(context.Context, *pulumirpc.ConfigureRequest) (*pulumirpc.ConfigureResponse, error) {
	return &pulumirpc.ConfigureResponse{AcceptSecrets: true, SupportsPreview: true}, nil
}

// Defaults of the real random_password resource.
var defaults = resource.PropertyMap{
	"lower":      resource.NewBoolProperty(true),
	"upper":      resource.NewBoolProperty(true),
	"numeric":    resource.NewBoolProperty(true),
	"number":     resource.NewBoolProperty(true),
	"special":    resource.NewBoolProperty(true),
	"minLower":   resource.NewNumberProperty(0),
	"minUpper":   resource.NewNumberProperty(0),
	"minNumeric": resource.NewNumberProperty(0),
	"minSpecial": resource.NewNumberProperty(0),
}

func (p *randomProvider) Check(_ context.Context, req *pulumirpc.CheckRequest) (*pulumirpc.CheckResponse, error) {
	if err := checkType(req.GetUrn()); err != nil {
		return nil, err
	}
	news, err := unmarshal(req.GetNews())
	if err != nil {
		return nil, err
	}
	for k, v := range defaults {
		if _, ok := news[k]; !ok {
			news[k] = v
		}
	}
	var failures []*pulumirpc.CheckFailure
	if l, ok := news["length"]; !ok || (l.IsNumber() && l.NumberValue() < 1) {
		failures = append(failures, &pulumirpc.CheckFailure{Property: "length", Reason: "length must be at least 1"})
	}
	inputs, err := marshal(news)
	if err != nil {
		return nil, err
	}
	return &pulumirpc.CheckResponse{Inputs: inputs, Failures: failures}, nil
}

func (p *randomProvider) Diff(_ context.Context, req *pulumirpc.DiffRequest) (*pulumirpc.DiffResponse, error) {
	olds, err := unmarshal(req.GetOldInputs())
	if err != nil {
		return nil, err
	}
	if len(olds) == 0 {
		if olds, err = unmarshal(req.GetOlds()); err != nil {
			return nil, err
		}
	}
	news, err := unmarshal(req.GetNews())
	if err != nil {
		return nil, err
	}
	keys := map[string]bool{}
	for k := range news {
		keys[string(k)] = true
	}
	for k := range defaults {
		keys[string(k)] = true
	}
	for _, k := range []string{"length", "keepers", "overrideSpecial"} {
		keys[k] = true
	}
	var replaces []string
	for k := range keys {
		o, n := olds[resource.PropertyKey(k)], news[resource.PropertyKey(k)]
		if n.ContainsUnknowns() || !o.DeepEquals(n) {
			replaces = append(replaces, k)
		}
	}
	sort.Strings(replaces)
	if len(replaces) == 0 {
		return &pulumirpc.DiffResponse{Changes: pulumirpc.DiffResponse_DIFF_NONE}, nil
	}
	// Every argument of random_password forces a new password.
	return &pulumirpc.DiffResponse{Changes: pulumirpc.DiffResponse_DIFF_SOME, Replaces: replaces, Diffs: replaces}, nil
}

func num(m resource.PropertyMap, k string) int {
	if v, ok := m[resource.PropertyKey(k)]; ok && v.IsNumber() {
		return int(v.NumberValue())
	}
	return 0
}

func flag(m resource.PropertyMap, k string) bool {
	v, ok := m[resource.PropertyKey(k)]
	return !ok || !v.IsBool() || v.BoolValue()
}

func pick(set string) (byte, error) {
	n, err := rand.Int(rand.Reader, big.NewInt(int64(len(set))))
	if err != nil {
		return 0, err
	}
	return set[n.Int64()], nil
}

func generate(in resource.PropertyMap) (string, error) {
	const lower, upper, digits = "abcdefghijklmnopqrstuvwxyz", "ABCDEFGHIJKLMNOPQRSTUVWXYZ", "0123456789"
	special := "!@#$%&*()-_=+[]{}<>:?"
	if v, ok := in["overrideSpecial"]; ok && v.IsString() && v.StringValue() != "" {
		special = v.StringValue()
	}
	type class struct {
		chars string
		on    bool
		min   int
	}
	classes := []class{
		{lower, flag(in, "lower"), num(in, "minLower")},
		{upper, flag(in, "upper"), num(in, "minUpper")},
		{digits, flag(in, "numeric") && flag(in, "number"), num(in, "minNumeric")},
		{special, flag(in, "special"), num(in, "minSpecial")},
	}
	length := num(in, "length")
	var out []byte
	all := ""
	for _, c := range classes {
		if !c.on {
			continue
		}
		all += c.chars
		for i := 0; i < c.min; i++ {
			b, err := pick(c.chars)
			if err != nil {
				return "", err
			}
			out = append(out, b)
		}
	}
	if all == "" {
		return "", fmt.Errorf("at least one character class must be enabled")
	}
	for len(out) < length {
		b, err := pick(all)
		if err != nil {
			return "", err
		}
		out = append(out, b)
	}
	// Shuffle so the minimum-count characters are not at the front.
	for i := len(out) - 1; i > 0; i-- {
		j, err := rand.Int(rand.Reader, big.NewInt(int64(i+1)))
		if err != nil {
			return "", err
		}
		out[i], out[j.Int64()] = out[j.Int64()], out[i]
	}
	return string(out), nil
}

func (p *randomProvider) Create(_ context.Context, req *pulumirpc.CreateRequest) (*pulumirpc.CreateResponse, error) {
	if err := checkType(req.GetUrn()); err != nil {
		return nil, err
	}
	in, err := unmarshal(req.GetProperties())
	if err != nil {
		return nil, err
	}
	outs := in.Copy()
	if req.GetPreview() {
		outs["result"] = resource.MakeComputed(resource.NewStringProperty(""))
		outs["bcryptHash"] = resource.MakeComputed(resource.NewStringProperty(""))
	} else {
		pw, err := generate(in)
		if err != nil {
			return nil, err
		}
		hash, err := bcrypt.GenerateFromPassword([]byte(pw), bcrypt.DefaultCost)
		if err != nil {
			return nil, err
		}
		outs["result"] = resource.MakeSecret(resource.NewStringProperty(pw))
		outs["bcryptHash"] = resource.MakeSecret(resource.NewStringProperty(string(hash)))
	}
	props, err := marshal(outs)
	if err != nil {
		return nil, err
	}
	return &pulumirpc.CreateResponse{Id: "none", Properties: props}, nil
}

func (p *randomProvider) Read(_ context.Context, req *pulumirpc.ReadRequest) (*pulumirpc.ReadResponse, error) {
	return &pulumirpc.ReadResponse{Id: req.GetId(), Properties: req.GetProperties(), Inputs: req.GetInputs()}, nil
}

func (p *randomProvider) Update(context.Context, *pulumirpc.UpdateRequest) (*pulumirpc.UpdateResponse, error) {
	return nil, fmt.Errorf("offline random stand-in: every RandomPassword change is a replacement")
}

func (p *randomProvider) Delete(context.Context, *pulumirpc.DeleteRequest) (*emptypb.Empty, error) {
	return &emptypb.Empty{}, nil
}

func (p *randomProvider) Cancel(context.Context, *emptypb.Empty) (*emptypb.Empty, error) {
	return &emptypb.Empty{}, nil
}
