package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/rootwatch/rootwatch/filterpattern"
	"github.com/rootwatch/rootwatch/internal/exitcode"
	"github.com/rootwatch/rootwatch/internal/sqlpattern"
)

type patternSQLOptions struct {
	Out     io.Writer
	Now     func() time.Time
	Pattern string
	Dialect string
	Query   bool
	Table   string
	Since   string
	Until   string
	JSON    bool
}

// NewCmdPatternSQL prints a filter pattern as a SQL WHERE clause (or a
// full query) for the CloudTrail tables of Athena, Trino, CloudTrail Lake
// or DuckDB, labelled exact or approximate.
func NewCmdPatternSQL(f *Factory, runF func(context.Context, *patternSQLOptions) error) *cobra.Command {
	opts := &patternSQLOptions{}
	cmd := &cobra.Command{
		Use:   "sql PATTERN",
		Short: "Compile a filter pattern to SQL for Athena, Trino, CloudTrail Lake or DuckDB",
		Long: `Print the SQL WHERE clause that selects what a JSON filter pattern matches,
over the CloudTrail table the Athena User Guide documents (athena, trino,
duckdb) or a CloudTrail Lake event data store (cloudtrail-lake). With
--query, print the whole SELECT (the columns rootwatch scan reads back, and
--since/--until pushed down to the table's partitions or eventtime).

Each translation is labelled exact (the SQL selects what the pattern
matches) or approximate (the SQL selects more; each reason is printed as a
comment). rootwatch scan athena:// and lake:// re-check approximate
results record by record. See docs/scale.md.`,
		Example: `  rootwatch pattern sql --dialect athena '{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }'
  rootwatch pattern sql --dialect cloudtrail-lake --query --table EDS_ID --since 90d '{ $.eventName = "ConsoleLogin" }'`,
		Args: usageArgs(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Out, opts.Now = f.Out, f.Now
			opts.Pattern = args[0]
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return patternSQLRun(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.Dialect, "dialect", "athena", "SQL dialect and table layout: "+strings.Join(sqlpattern.Dialects, ", "))
	fl.BoolVar(&opts.Query, "query", false, "print the full query, not only the WHERE clause")
	fl.StringVar(&opts.Table, "table", "", `FROM target for --query: DATABASE.TABLE (athena, trino, duckdb) or an event data store ID (cloudtrail-lake)`)
	fl.StringVar(&opts.Since, "since", "", "with --query: only events at or after this time (RFC 3339, YYYY-MM-DD, or an age such as 30d)")
	fl.StringVar(&opts.Until, "until", "", "with --query: only events before this time")
	fl.BoolVar(&opts.JSON, "json", false, "print one JSON object: dialect, label, exact, reasons, where (and query)")
	return cmd
}

func patternSQLRun(_ context.Context, opts *patternSQLOptions) error {
	d, err := sqlpattern.ParseDialect(opts.Dialect)
	if err != nil {
		return exitcode.Usagef("--dialect: %v", err)
	}
	p, err := filterpattern.Parse(opts.Pattern)
	if err != nil {
		return patternError("", err)
	}
	t, err := sqlpattern.Translate(p, d)
	if err != nil {
		return err
	}
	if !opts.Query && (opts.Table != "" || opts.Since != "" || opts.Until != "") {
		return exitcode.Usagef("--table, --since and --until need --query")
	}
	var query string
	if opts.Query {
		qo, err := patternSQLQueryOptions(opts, d)
		if err != nil {
			return err
		}
		query = t.Query(qo)
	}
	if opts.JSON {
		reasons := t.Reasons
		if reasons == nil {
			reasons = []sqlpattern.Reason{}
		}
		return json.NewEncoder(opts.Out).Encode(struct {
			Dialect string              `json:"dialect"`
			Label   string              `json:"label"`
			Exact   bool                `json:"exact"`
			Reasons []sqlpattern.Reason `json:"reasons"`
			Where   string              `json:"where"`
			Query   string              `json:"query,omitempty"`
		}{d.String(), t.Label(), t.Exact, reasons, t.Where, query})
	}
	if !opts.Query {
		_, err = io.WriteString(opts.Out, t.Text())
		return err
	}
	text := t.Text()
	text = text[:len(text)-len(t.Where)-1] // the comments; the query holds the clause
	_, err = fmt.Fprintf(opts.Out, "%s%s;\n", text, query)
	return err
}

func patternSQLQueryOptions(opts *patternSQLOptions, d sqlpattern.Dialect) (sqlpattern.QueryOptions, error) {
	var qo sqlpattern.QueryOptions
	now := time.Now()
	if opts.Now != nil {
		now = opts.Now()
	}
	var err error
	if qo.Since, err = parseWhen(opts.Since, now); err != nil {
		return qo, exitcode.Usagef("--since: %v", err)
	}
	if qo.Until, err = parseWhen(opts.Until, now); err != nil {
		return qo, exitcode.Usagef("--until: %v", err)
	}
	table := opts.Table
	if d == sqlpattern.Lake {
		if table == "" {
			table = "EVENT_DATA_STORE_ID"
		}
		if !sqlpattern.ValidEventDataStore(table) {
			return qo, exitcode.Usagef("--table %q: an event data store ID holds letters, digits and '-'", table)
		}
		qo.Table = table
		return qo, nil
	}
	if table == "" {
		table = "default.cloudtrail_logs"
	}
	db, tbl, ok := strings.Cut(table, ".")
	if !ok || !sqlpattern.ValidName(db) || !sqlpattern.ValidName(tbl) {
		return qo, exitcode.Usagef("--table %q: want DATABASE.TABLE (letters, digits, '_')", table)
	}
	qo.Table = sqlpattern.TableRef(db, tbl)
	return qo, nil
}
