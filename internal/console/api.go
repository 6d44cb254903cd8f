package console

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"

	"github.com/rootwatch/rootwatch/internal/store"
)

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v) // the client went away
}

// apiError writes {"error": msg}.
func apiError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, map[string]string{"error": msg})
}

// statusOf maps a service error to an HTTP status and a message safe to
// show: store failures are logged, not shown.
func (c *Console) fail(w http.ResponseWriter, r *http.Request, err error) (int, string) {
	switch {
	case errors.Is(err, ErrBadRequest):
		return http.StatusBadRequest, err.Error()
	case errors.Is(err, ErrForbidden):
		return http.StatusForbidden, err.Error()
	case errors.Is(err, store.ErrNotFound):
		return http.StatusNotFound, err.Error()
	case errors.Is(err, store.ErrDecided):
		return http.StatusConflict, err.Error()
	}
	c.log.Error("console", "path", r.URL.Path, "error", err)
	return http.StatusInternalServerError, "the store could not answer (see watch's log)"
}

func (c *Console) apiFail(w http.ResponseWriter, r *http.Request, err error) {
	status, msg := c.fail(w, r, err)
	apiError(w, status, msg)
}

// intParam reads a non-negative integer query parameter (0 when absent).
func intParam(r *http.Request, name string) (int, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		return 0, errors.Join(ErrBadRequest, errors.New(name+": want a non-negative integer"))
	}
	return n, nil
}

func paging(r *http.Request) (int, int, error) {
	off, err := intParam(r, "offset")
	if err != nil {
		return 0, 0, err
	}
	lim, err := intParam(r, "limit")
	return off, lim, err
}

func (c *Console) apiWhoami(w http.ResponseWriter, r *http.Request, a auth) {
	writeJSON(w, http.StatusOK, struct {
		Identity
		ID string `json:"id"`
	}{a.Identity, a.ID()})
}

func (c *Console) apiOverview(w http.ResponseWriter, r *http.Request, _ auth) {
	off, lim, err := paging(r)
	if err != nil {
		c.apiFail(w, r, err)
		return
	}
	q := r.URL.Query()
	ov, err := c.svc.Overview(r.Context(), OverviewFilter{Status: q.Get("status"), Account: q.Get("account"), OU: q.Get("ou"), Offset: off, Limit: lim})
	if err != nil {
		c.apiFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, ov)
}

func (c *Console) apiAccount(w http.ResponseWriter, r *http.Request, _ auth) {
	acc, err := c.svc.Account(r.Context(), r.PathValue("id"))
	if err != nil {
		c.apiFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, acc)
}

func alertFilter(r *http.Request) (AlertFilter, error) {
	off, lim, err := paging(r)
	if err != nil {
		return AlertFilter{}, err
	}
	q := r.URL.Query()
	f := AlertFilter{Rule: q.Get("rule"), Account: q.Get("account"), Offset: off, Limit: lim}
	switch q.Get("dead") {
	case "", "0", "false":
	case "1", "true":
		f.Dead = true
	default:
		return f, errors.Join(ErrBadRequest, errors.New("dead: want true or false"))
	}
	return f, nil
}

func (c *Console) apiAlerts(w http.ResponseWriter, r *http.Request, _ auth) {
	f, err := alertFilter(r)
	if err != nil {
		c.apiFail(w, r, err)
		return
	}
	p, err := c.svc.Alerts(r.Context(), f)
	if err != nil {
		c.apiFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, p)
}

func (c *Console) apiPerDay(w http.ResponseWriter, r *http.Request, _ auth) {
	days, err := intParam(r, "days")
	if err != nil {
		c.apiFail(w, r, err)
		return
	}
	if days == 0 {
		days = 30
	}
	out, err := c.svc.RootPerDay(r.Context(), days)
	if err != nil {
		c.apiFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"rule": "cis-4.3-root-usage", "days": out})
}

// retry makes dead deliveries due again; viewers only look.
func (c *Console) retry(r *http.Request, a auth) (int64, error) {
	if a.Role != RoleApprover {
		return 0, errors.Join(ErrForbidden, errors.New("retrying deliveries needs the approver role"))
	}
	n, err := c.svc.Retry(r.Context(), r.PathValue("id"))
	if err == nil {
		c.log.Info("console: dead deliveries retried", "alert", r.PathValue("id"), "by", a.ID(), "rows", n)
	}
	return n, err
}

func (c *Console) apiRetry(w http.ResponseWriter, r *http.Request, a auth) {
	n, err := c.retry(r, a)
	if err != nil {
		c.apiFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]int64{"retried": n})
}

func (c *Console) apiCorrections(w http.ResponseWriter, r *http.Request, _ auth) {
	off, lim, err := paging(r)
	if err != nil {
		c.apiFail(w, r, err)
		return
	}
	var waiting bool
	switch r.URL.Query().Get("view") {
	case "", "waiting":
		waiting = true
	case "history":
	default:
		c.apiFail(w, r, errors.Join(ErrBadRequest, errors.New("view: want waiting or history")))
		return
	}
	p, err := c.svc.Corrections(r.Context(), waiting, off, lim)
	if err != nil {
		c.apiFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, p)
}

func (c *Console) apiCorrection(w http.ResponseWriter, r *http.Request, _ auth) {
	cr, err := c.svc.Correction(r.Context(), r.PathValue("id"))
	if err != nil {
		c.apiFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, cr)
}

func (c *Console) decide(r *http.Request, a auth, decision, reason string) (Correction, error) {
	cr, err := c.svc.Decide(r.Context(), a.Identity, r.PathValue("id"), decision, reason)
	if err != nil {
		c.log.Warn("console: decision refused", "correction", r.PathValue("id"), "by", a.ID(), "error", err)
		return cr, err
	}
	c.log.Info("console: correction decided", "correction", cr.ID, "state", cr.State, "by", cr.DecidedBy)
	return cr, nil
}

func (c *Console) apiDecide(w http.ResponseWriter, r *http.Request, a auth) {
	var body struct {
		Decision string `json:"decision"`
		Reason   string `json:"reason"`
	}
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 16<<10))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&body); err != nil {
		apiError(w, http.StatusBadRequest, `body: want {"decision": "approve|reject|skip", "reason": "..."}`)
		return
	}
	cr, err := c.decide(r, a, body.Decision, body.Reason)
	if err != nil {
		c.apiFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, cr)
}
