/** The historian settings live in common/ because the contract validates them too. */
export * from '../../common/connector-config';
