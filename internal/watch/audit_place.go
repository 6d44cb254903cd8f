package watch

// remember keeps where each audited account sits, for decisions made
// between audit runs.
func (s *Service) remember(results []ChainResult) {
	s.placeMu.Lock()
	defer s.placeMu.Unlock()
	if s.places == nil {
		s.places = map[string]Placement{}
	}
	for _, r := range results {
		s.places[r.Account] = r.placement()
	}
}

// placementOf is where account sat at the latest audit run; before any
// run in this process its OUs are unknown, and an OU rule then refuses
// rather than guesses.
func (s *Service) placementOf(account string) Placement {
	s.placeMu.Lock()
	defer s.placeMu.Unlock()
	if p, ok := s.places[account]; ok {
		return p
	}
	return Placement{Account: account}
}

// placed reports whether an audit run in this process saw account.
func (s *Service) placed(account string) bool {
	s.placeMu.Lock()
	defer s.placeMu.Unlock()
	_, ok := s.places[account]
	return ok
}
