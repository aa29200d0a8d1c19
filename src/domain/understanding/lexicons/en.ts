/**
 * English lexicon (US-leaning). Patterns match normalized text: lower case, apostrophes
 * removed and contractions expanded ("can't" -> "cannot", "I'm" -> "i am").
 */
import type { Lexicon } from './lexicon.js';

/** English lexicon. */
export const en: Lexicon = {
  greet: [
    [0.75, '^(?:hi|hello|hey|hiya|howdy|yo)|good (?:morning|afternoon|evening)|hey there|hi there'],
    [0.5, 'emoji_wave|how are you|whats up|what is up'],
  ],
  affirm: [
    [
      0.75,
      '^(?:yes|yeah|yep|yup|sure|ok|okay|alright|all right|fine|correct|right|deal|agreed|absolutely|of course|definitely|sounds good|that works|works for me|perfect|great|emoji_yes|yes please|for sure|please do|go ahead)',
    ],
    [0.35, 'yes|sounds good|that works|i agree|i accept'],
  ],
  deny: [
    [
      0.75,
      '^(?:no|nope|nah|no thanks|no thank you|not really|never|negative|i cannot|no i cannot|no way|i do not want|emoji_no|not interested)',
    ],
    [0.3, 'not interested|i do not agree|i decline'],
    [0.8, '^not (?:right )?now|^not today|^not yet'],
  ],
  thanks: [[0.8, 'thanks|thank you|thank u|appreciate (?:it|that|you)|much appreciated|cheers']],
  goodbye: [
    [
      0.75,
      'bye|goodbye|good bye|see you|see ya|take care|have a (?:good|nice|great) (?:day|night|one|weekend)|later|talk (?:to you )?(?:later|soon)',
    ],
  ],
  ask_balance: [
    [
      0.85,
      'how much (?:do i owe|i owe|is it|is owed|is the (?:debt|balance|bill|total|payoff)|do i have to pay|do i need to pay|is left|is my)|what (?:is|do) (?:i owe|my balance|the balance|my debt|the total|the amount)',
    ],
    [
      0.8,
      '(?:my|the) (?:balance|total|payoff(?: amount)?|amount (?:due|owed))|balance (?:due|owed)|how much$|^how much',
    ],
  ],
  ask_details: [
    [
      0.85,
      'what is (?:this|the|that) (?:debt|charge|account|bill) (?:for|about)|what (?:is this|is it) (?:for|about|regarding)|which (?:account|card|company|store|loan|debt)|what (?:account|debt|loan|company) is this',
    ],
    [
      0.7,
      'why (?:do i|am i|is it|is the) (?:owe|being charged|so high|this much)|details|breakdown|itemized|original creditor|where (?:is this|does this) (?:debt )?(?:from|come from)',
    ],
  ],
  ask_how_to_pay: [
    [
      0.85,
      'how (?:can|do|should) i pay|how to pay|where (?:can|do) i pay|ways to pay|payment (?:options|methods|link)|pay (?:by|with|online|through) (?:card|credit|debit|check|paypal|zelle|venmo|bank)|can i pay (?:by|with|online|through)',
    ],
    [
      0.75,
      '(?:send|give) me (?:the|a) (?:link|payment link|account|details|routing)|where (?:do|can|should) i (?:send|pay|transfer|deposit|mail)|account number|routing number|zelle|venmo|paypal|cash app',
    ],
  ],
  ask_plan: [
    [
      0.85,
      'payment plans?|installment plans?|pay (?:it )?in installments|pay (?:it )?(?:over time|in parts|in chunks|monthly)|split (?:it|the payment|payments)|(?:can|could) i (?:make|do) (?:payments|installments|monthly payments)|financing|arrangement|work (?:something|it|this) out|work out a (?:plan|deal)|a plan',
    ],
    [0.4, 'installments|monthly payments'],
  ],
  propose_plan: [
    [
      0.45,
      'i (?:can|could) (?:do|pay|afford|send|give|manage)|how about|what if i (?:pay|paid)|i (?:will|would) pay|i offer|my offer|i have',
    ],
  ],
  promise_to_pay: [
    [
      0.5,
      'i (?:will|am going to|going to|can|could|plan to|shall) (?:pay|send|make (?:the|a) payment|transfer|settle|take care of)|i will pay|(?:will|gonna) pay|i promise|you will (?:have|get) it',
    ],
    [0.35, 'pay (?:it|you|that|them)|payment'],
    [-0.5, 'if i pay'],
  ],
  ask_discount: [
    [
      0.9,
      'discount|settle for less|settlement offer|lower (?:the )?(?:amount|balance|payment)|reduce (?:the )?(?:amount|balance|debt)|waive|forgive|less than (?:the|what)|any (?:deal|offer)|best offer|lump sum|knock (?:some(?:thing)?|it|a bit) (?:off|down)|take (?:some|something) off|cut (?:me )?a deal',
    ],
  ],
  payment_claim: [
    [
      0.9,
      'i (?:already )?(?:paid|sent|settled|transferred)|already (?:paid|sent|settled)|(?:it|this|that|the debt) (?:is|was|has been) (?:paid|settled)|i made (?:the|a) payment|(?:paid|sent) (?:it|that|this|the money)',
    ],
    [0.6, 'i have (?:the )?(?:receipt|confirmation|proof of payment)'],
    [-0.5, 'proof that'],
    [-0.9, '(?:did not|have not|havent|not yet|never) (?:paid|pay|sent|send)'],
  ],
  request_clearance: [
    [
      0.9,
      'paid in full letter|(?:paid|settled) (?:in full )?letter|letter (?:of|stating|saying|that)|proof (?:that )?(?:the debt|it|i) (?:is|was|am) (?:settled|paid)|proof of (?:settlement|payoff)|release letter|zero balance letter|clear my (?:credit|record|name)|remove (?:it )?from my credit|credit report',
    ],
    [0.3, 'proof|letter|certificate|document'],
  ],
  ask_identity: [
    [
      0.85,
      'who (?:is this|are you|is texting|is messaging|do you work for|is calling)|who (?:the fuck )?is this|what company|where are you (?:from|calling from)|how did you get my (?:number|info)',
    ],
    [0.8, 'scam|fraud|is this (?:real|legit|legitimate)|legit|phishing|spam'],
  ],
  dispute: [
    [
      0.9,
      'dispute|not my debt|(?:that|this|it) is not mine|i do not owe|never (?:had|opened|signed|took|borrowed|used)|do not recognize|identity theft|validation|validate (?:this|the) debt|not (?:my|mine) (?:account|loan|card)',
    ],
    [0.75, '(?:the )?amount is wrong|wrong amount|incorrect|statute of limitations|time barred'],
  ],
  wrong_number: [
    [
      0.9,
      'wrong (?:number|person|guy|girl|lady|man|woman)|i am not (?:that person|him|her|who you|the person)|not (?:the )?(?:right|correct) (?:person|number)|you have the wrong|no one (?:here )?(?:by|named|with) that name|(?:this|that) is not (?:me|my name)|(?:does|do) not (?:live|work) here|new number',
    ],
  ],
  hardship: [
    [
      0.85,
      'lost my job|laid off|unemployed|out of work|no (?:job|income|work)|(?:cannot|can not|cant) (?:afford|pay)|on disability|disabled|medical (?:bills|issues|emergency)|hospital|sick|illness|cancer|surgery|broke|struggling|hours (?:got |were )?cut|barely|cannot make rent|hard times|tight (?:on money|right now)|living paycheck|divorce|passed away|funeral|evicted|fired',
    ],
  ],
  talk_to_human: [
    // A lawyer, a bankruptcy or a deceased account holder: only a person may handle these.
    [
      0.85,
      '(?:my|an|the) (?:lawyer|attorney)|represented by|bankruptcy|bankrupt|chapter (?:7|11|13|seven|thirteen)|(?:the )?account holder (?:has )?(?:died|passed away|is deceased)|(?:he|she) (?:was|is) the account holder|deceased',
    ],
    [
      0.85,
      '(?:talk|speak|chat) (?:to|with) (?:a |an |someone|somebody|a real|the )?(?:real )?(?:person|human|agent|representative|rep|supervisor|manager|someone|somebody|operator)|real person|human being|live (?:agent|person)|customer service',
    ],
    [
      0.7,
      '^(?:agent|human|representative|operator|rep)(?: please)?$|call me|can someone call|give me a call|not a (?:bot|robot)',
    ],
  ],
  opt_out: [
    [0.95, '^(?:stop|stop all|unsubscribe|cancel|end|quit|opt out|remove me|stopall)$'],
    [
      0.95,
      '^(?:(?:actually|please|just|ok|so|no|i said) )+(?:stop|stop all|unsubscribe|opt out)(?: (?:please|now|thanks|thank you))*$|^(?:stop|unsubscribe)(?: (?:please|now|thanks|thank you))+$',
    ],
    [
      0.9,
      'stop (?:texting|messaging|calling|contacting|bothering|harassing|sending)|do not (?:text|call|contact|message) me|leave me alone|remove (?:me|my number) from|take me off|opt out|unsubscribe|no more (?:texts|messages|calls)|harass',
    ],
  ],
  abuse: [
    [
      0.8,
      'fuck|f off|shit|bitch|asshole|bastard|idiot|stupid|moron|scumbag|scammers|thieves|crooks|pathetic|losers|dickhead|dick|cunt|go to hell|screw you|piece of|damn you',
    ],
    // One angry face is often frustration ("i already paid 😤"), not abuse; a string of them is.
    [0.5, 'emoji_angry'],
    [0.25, 'emoji_angry emoji_angry'],
  ],
  distress: [
    [
      0.95,
      'kill myself|killing myself|suicid\\w*|end my life|want to die|wanna die|better off dead|no reason to live|do not want to (?:live|be here)|end it all|take my (?:own )?life',
    ],
    [
      0.85,
      '(?:cannot|cant) take (?:this|it) anymore|i give up on everything|hopeless|i am done with life|falling apart',
    ],
  ],
};
