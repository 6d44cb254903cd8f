package bytesearch

func setVector(on bool) { haveVector = on }
