/** Numbers of the network manager in words: durations and traffic. */

export { formatDuration as duration } from '../../../main/api/units.js';
