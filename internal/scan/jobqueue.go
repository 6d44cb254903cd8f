package scan

import "sync"

// jobQueue runs jobs on a fixed number of goroutines; a job may push
// more. The queue is unbounded so that a job pushing never waits for a
// worker (which could be itself); it is a stack, so the walk goes depth
// first and the queue holds about one level's prefixes at a time.
type jobQueue struct {
	mu      sync.Mutex
	cond    *sync.Cond
	jobs    []func() error
	running int
	err     error
}

func newJobQueue() *jobQueue {
	q := &jobQueue{}
	q.cond = sync.NewCond(&q.mu)
	return q
}

func (q *jobQueue) push(job func() error) {
	q.mu.Lock()
	q.jobs = append(q.jobs, job)
	q.mu.Unlock()
	q.cond.Signal()
}

// run works until no job is left or running, or one fails; it returns
// the first error.
func (q *jobQueue) run(workers int) error {
	var wg sync.WaitGroup
	for range workers {
		wg.Go(q.work)
	}
	wg.Wait()
	return q.err
}

func (q *jobQueue) work() {
	q.mu.Lock()
	defer q.mu.Unlock()
	for {
		for len(q.jobs) == 0 && q.running > 0 && q.err == nil {
			q.cond.Wait()
		}
		if len(q.jobs) == 0 || q.err != nil {
			q.cond.Broadcast() // the others see the end too
			return
		}
		job := q.jobs[len(q.jobs)-1]
		q.jobs = q.jobs[:len(q.jobs)-1]
		q.running++
		q.mu.Unlock()
		err := job()
		q.mu.Lock()
		q.running--
		if err != nil && q.err == nil {
			q.err = err
		}
		q.cond.Broadcast()
	}
}
