package lambdamode

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/ssm"
)

// Environment variables of Lambda mode: the config keys with a ROOTWATCH_
// prefix. Any of them (and the notifier variables ROOTWATCH_WEBHOOK_SECRET,
// ROOTWATCH_SMTP_PASSWORD, ...) may instead be given as NAME_SSM, the name
// of an SSM parameter (SecureString or String) that holds the value, so
// secrets never sit in the function's configuration.
const (
	EnvPrefix          = "ROOTWATCH_"
	EnvSNSTopicARN     = "ROOTWATCH_SNS_TOPIC_ARN"     // the topic alerts are published to
	EnvNotify          = "ROOTWATCH_NOTIFY"            // more --notify specs, separated by newlines or ";"
	EnvNotifyLevel     = "ROOTWATCH_NOTIFY_LEVEL"      // error | info | verbose
	EnvConfig          = "ROOTWATCH_CONFIG"            // a rootwatch.yaml notify section, inline
	EnvOrgAccountNames = "ROOTWATCH_ORG_ACCOUNT_NAMES" // "true": look up organization account names
	ssmSuffix          = "_SSM"
)

// Config is Lambda mode's configuration.
type Config struct {
	TopicARN        string
	Notify          []string
	Level           string
	ConfigYAML      string
	OrgAccountNames bool
}

// SSMAPI reads parameters.
type SSMAPI interface {
	GetParameter(ctx context.Context, in *ssm.GetParameterInput, opts ...func(*ssm.Options)) (*ssm.GetParameterOutput, error)
}

var _ SSMAPI = (*ssm.Client)(nil)

// ResolveEnv returns the ROOTWATCH_ variables of environ (KEY=VALUE
// strings) with every NAME_SSM replaced by NAME holding the parameter's
// decrypted value. A variable set both ways is an error: which one wins
// would be a guess.
func ResolveEnv(ctx context.Context, environ []string, client SSMAPI) (map[string]string, error) {
	env := map[string]string{}
	var fromSSM []string
	for _, kv := range environ {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || !strings.HasPrefix(k, EnvPrefix) {
			continue
		}
		if strings.HasSuffix(k, ssmSuffix) {
			fromSSM = append(fromSSM, k)
		}
		env[k] = v
	}
	sort.Strings(fromSSM)
	for _, k := range fromSSM {
		name := strings.TrimSuffix(k, ssmSuffix)
		if _, both := env[name]; both {
			return nil, fmt.Errorf("%s and %s are both set; set one", name, k)
		}
		if client == nil {
			return nil, fmt.Errorf("%s: no SSM client", k)
		}
		param := env[k]
		out, err := client.GetParameter(ctx, &ssm.GetParameterInput{Name: &param, WithDecryption: ptr(true)})
		if err != nil {
			return nil, fmt.Errorf("%s: read SSM parameter %s: %w", k, param, err)
		}
		if out.Parameter == nil || out.Parameter.Value == nil {
			return nil, fmt.Errorf("%s: SSM parameter %s has no value", k, param)
		}
		env[name] = *out.Parameter.Value
		delete(env, k)
	}
	return env, nil
}

// LoadConfig reads Config from resolved variables.
func LoadConfig(env map[string]string) (Config, error) {
	c := Config{
		TopicARN:   strings.TrimSpace(env[EnvSNSTopicARN]),
		Level:      strings.TrimSpace(env[EnvNotifyLevel]),
		ConfigYAML: env[EnvConfig],
	}
	for _, s := range strings.FieldsFunc(env[EnvNotify], func(r rune) bool { return r == '\n' || r == ';' }) {
		if s = strings.TrimSpace(s); s != "" {
			c.Notify = append(c.Notify, s)
		}
	}
	if v := env[EnvOrgAccountNames]; v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return Config{}, fmt.Errorf("%s=%q: want true or false", EnvOrgAccountNames, v)
		}
		c.OrgAccountNames = b
	}
	if c.TopicARN == "" && len(c.Notify) == 0 && c.ConfigYAML == "" {
		return Config{}, fmt.Errorf("no notifier configured: set %s (the SNS topic to publish to) or %s", EnvSNSTopicARN, EnvNotify)
	}
	return c, nil
}

// Specs are the --notify specs the configuration amounts to.
func (c Config) Specs() []string {
	var specs []string
	if c.TopicARN != "" {
		specs = append(specs, "sns:"+c.TopicARN)
	}
	return append(specs, c.Notify...)
}

func ptr[T any](v T) *T { return &v }
