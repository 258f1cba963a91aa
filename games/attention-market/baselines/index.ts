export { HonestGoal, type HonestGoalOptions } from './honest-goal.js';
export { ExaggeratingGoal, type ExaggeratingGoalOptions } from './exaggerating-goal.js';
export { GreedyUser } from './greedy-user.js';
export { SoftmaxUser, type SoftmaxUserOptions } from './softmax-user.js';
export { OracleUser } from './oracle-user.js';
export { ScoringUser } from './scoring-user.js';
export { softmaxBestResponse, type SoftmaxBestResponse } from './best-response.js';
export { topN } from './layout.js';
