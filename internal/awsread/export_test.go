package awsread

// NewSDKDialerTimeout lets tests bound each HTTP attempt tightly.
var NewSDKDialerTimeout = newSDKDialer
